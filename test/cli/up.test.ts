// `streamforge up` as a user runs it: a busy port is refused before the database is opened; the
// collections its connectors write are served by the running manager (GET /collections/{name}) and
// `streamforge collection NAME` asks it, or reads the data directory once `up` has stopped.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { startCli, type CliProcess } from '../support/cli.ts';
import { waitFor } from '../support/wait.ts';

const getJson = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/** `streamforge collection …` to its end. */
async function collection(args: string[], env: Record<string, string> = {}) {
  const cli = startCli(['collection', ...args], env);
  return { code: await cli.exit, output: cli.output() };
}

describe('streamforge up', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sf-up-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('on a busy port says so with SF_PORT_IN_USE and --port, without a stack trace or opening the database', async () => {
    // Regression: it opened PGlite and migrated (9 s), then died with a raw EADDRINUSE stack trace.
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as { port: number };
    try {
      const dataDir = join(dir, 'busy');
      const cli = startCli(['up', '--port', String(port), '--data-dir', dataDir], {});
      const code = await cli.exit;
      const output = cli.output();
      assert.equal(code, 1, output);
      assert.match(output, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use`));
      assert.match(output, /--port/);
      assert.match(output, /\[SF_PORT_IN_USE\]/);
      assert.doesNotMatch(output, /^\s+at /m, 'no stack trace');
      assert.ok(!existsSync(join(dataDir, 'pgdata')), 'the database was opened before the port was checked');
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('serves a connector-written collection at GET /collections/{name}, and the collection command asks it', async () => {
    // Regression: `streamforge collection NAME`, which the connector's last message recommends, said
    // "no collection" (it opened an empty in-memory database) and could not open the locked data dir.
    const dataDir = join(dir, 'collections');
    let up: CliProcess | undefined = startCli(['up', '--port', '0', '--data-dir', dataDir], {});
    try {
      const url = await up.waitForOutput('up to be ready', /StreamForge is up in .*: (http:\/\/\S+)/, 60_000);
      const port = new URL(url).port;
      const start = await fetch(`${url}/queues/start`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          symbol: 'BTCUSDT',
          time_range: '2024-06-01:2024-06-02',
          requests: [
            { target: 'loader-producer', type: 'synthetic_candles_1h' },
            { target: 'arango-connector', type: 'synthetic_candles_1h' },
          ],
        }),
      });
      const started = (await start.json()) as { queue_id: string; jobs: { collection: string }[] };
      assert.equal(start.status, 201, JSON.stringify(started));
      const name = started.jobs[1]!.collection;
      await waitFor(
        'the queue to finish',
        async () => (await getJson(`${url}/queues/${started.queue_id}`)).body.status === 'finished',
        60_000,
      );

      const served = await getJson(`${url}/collections/${name}`);
      assert.equal(served.status, 200, JSON.stringify(served.body));
      const T0 = Date.UTC(2024, 5, 1);
      const expected = {
        name,
        kind: 'candle',
        rows: 48,
        firstTime: T0,
        lastTime: T0 + 47 * 3_600_000,
        gaps: [],
        missing: 0,
        gapsKnown: true,
      };
      assert.deepEqual(served.body, expected, 'two days of hourly candles, no gap');

      const openapi = (await getJson(`${url}/docs/json`)).body as { paths: Record<string, unknown> };
      assert.ok(openapi.paths['/collections/{name}'], 'the route is in the OpenAPI document');

      const unknown = await getJson(`${url}/collections/btcusdt_nothing`);
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.code, 'SF_NOT_FOUND');
      assert.match(String(unknown.body.message), /no collection named "btcusdt_nothing"/);
      const invalid = await getJson(`${url}/collections/Bad.Name`);
      assert.equal(invalid.status, 400);
      assert.equal(invalid.body.code, 'SF_INVALID_REQUEST');

      // While `up` runs, the command finds it on the default port (PORT) and asks it, or at --manager.
      const byDefault = await collection([name, '--json'], { PORT: port });
      assert.equal(byDefault.code, 0, byDefault.output);
      assert.deepEqual(JSON.parse(byDefault.output), expected);
      const byFlag = await collection([name, '--manager', url]);
      assert.equal(byFlag.code, 0, byFlag.output);
      assert.match(byFlag.output, new RegExp(`^collection  ${name} \\(candles\\)\nrows        48\n`));
      const missing = await collection(['btcusdt_nothing', '--manager', url]);
      assert.equal(missing.code, 1, missing.output);
      assert.match(missing.output, /no collection named "btcusdt_nothing".*\[SF_NOT_FOUND\]/);

      // Once it has stopped, the command reads the data directory itself.
      assert.equal(await up.stop('SIGINT'), 0, up.output());
      up = undefined;
      const direct = await collection([name, '--json', '--data-dir', dataDir]);
      assert.equal(direct.code, 0, direct.output);
      assert.deepEqual(JSON.parse(direct.output), expected);
    } finally {
      await up?.stop();
    }
  });

  it('loads neither the Kafka nor the Kubernetes client: in-process jobs on a memory bus need neither', async () => {
    // Regression: up.ts imported the distributed command's helpers, and with them both clients
    // (measured 1.1 s and 0.7 s of its start-up; bench/startup).
    const file = join(dir, 'imports.txt');
    const support = join(import.meta.dirname, '..', 'support', 'trace-imports.ts');
    const bin = join(import.meta.dirname, '..', '..', 'bin', 'streamforge.js');
    const child = spawn(
      process.execPath,
      ['--import', support, bin, 'up', '--port', '0', '--data-dir', join(dir, 'imports')],
      { env: { PATH: process.env.PATH ?? '', TRACE_IMPORTS_FILE: file }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const exit = once(child, 'exit');
    try {
      await waitFor('up to be ready', () => output.includes('StreamForge is up'), 60_000);
    } finally {
      child.kill('SIGINT');
      await exit;
    }
    const loaded = readFileSync(file, 'utf8').split('\n');
    assert.ok(
      loaded.some((url) => url.includes('/src/services/queue-manager/')),
      'it did run the manager',
    );
    for (const heavy of ['/@platformatic/kafka/', '/@kubernetes/'])
      assert.ok(!loaded.some((url) => url.includes(heavy)), `up loaded ${heavy}`);
  });
});
