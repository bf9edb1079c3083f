// The test Elasticsearch (scripts/es/start.sh, started by npm test when a test file imports this module)
// and nodes of a test's own, for tests that stop Elasticsearch under a running service.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@elastic/elasticsearch';
import { freePort } from './free-port.ts';

const run = promisify(execFile);
const SCRIPTS = resolve(import.meta.dirname, '../../scripts/es');

/** Why Elasticsearch tests are skipped, or undefined when there is one (scripts/test.ts sets TEST_ES_URL). */
export const esSkipReason: string | undefined =
  process.env.TEST_ES === 'off'
    ? 'run without Elasticsearch (--no-es or npm run test:unit)'
    : !process.env.TEST_ES_URL
      ? 'TEST_ES_URL not set: run the tests with npm test'
      : undefined;

/** The shared test node's URL. */
export function testEsUrl(): string {
  const url = process.env.TEST_ES_URL;
  if (!url) throw new Error(esSkipReason ?? 'no test Elasticsearch');
  return url;
}

/** Documents of `index` matching `query` (a match on message when a string), after a refresh. */
export async function searchDocuments<T = Record<string, unknown>>(
  client: Client,
  index: string,
  query: string | Record<string, unknown> = { match_all: {} },
  size = 1000,
): Promise<{ id: string; source: T }[]> {
  await client.indices.refresh({ index });
  const result = await client.search<T>({
    index,
    size,
    query: typeof query === 'string' ? { match: { message: query } } : query,
  });
  return result.hits.hits.map((hit) => ({ id: hit._id!, source: hit._source! }));
}

/** Documents in `index` (0 while it does not exist), after a refresh. */
export async function countDocuments(client: Client, index: string): Promise<number> {
  try {
    await client.indices.refresh({ index });
    return (await client.count({ index })).count;
  } catch (error) {
    if (String((error as Error).message).includes('index_not_found_exception')) return 0;
    throw error;
  }
}

/** An Elasticsearch node of a test's own: its own state dir and ports, the jar cache shared. */
export class PrivateElasticsearch {
  readonly #dir: string;
  readonly #port: number;
  readonly #transportPort: number;

  private constructor(dir: string, port: number, transportPort: number) {
    this.#dir = dir;
    this.#port = port;
    this.#transportPort = transportPort;
  }

  static async start(): Promise<PrivateElasticsearch> {
    const node = new PrivateElasticsearch(
      mkdtempSync(join(tmpdir(), 'sf-es-')),
      await freePort(),
      await freePort(),
    );
    try {
      await node.restart();
      return node;
    } catch (error) {
      rmSync(node.#dir, { recursive: true, force: true });
      throw error;
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get #env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      ES_STATE_DIR: this.#dir,
      ES_PORT: String(this.#port),
      ES_TRANSPORT_PORT: String(this.#transportPort),
      ES_HEAP: '256m',
      // Started and restarted within one test: a quick JVM start matters more than peak speed.
      ES_JAVA_OPTS: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC',
    };
  }

  /** Starts the node (again) on the same port and data; resolves once it answers cluster health. */
  async restart(): Promise<void> {
    await run('bash', [join(SCRIPTS, 'start.sh')], { env: this.#env });
  }

  /** Kills the node as a crash would (SIGKILL: requests in flight drop); resolves once it is gone. */
  async kill(): Promise<void> {
    const pid = Number(readFileSync(join(this.#dir, 'es.pid'), 'utf8').trim());
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await new Promise((r) => setTimeout(r, 100));
  }

  async destroy(): Promise<void> {
    await run('bash', [join(SCRIPTS, 'stop.sh'), '--clean'], { env: this.#env }).catch(() => undefined);
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('EsMain');
  } catch {
    return false;
  }
}
