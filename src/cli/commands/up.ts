import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MemoryBus } from '../../bus/memory/memory-bus.ts';
import { InlineLauncher } from '../../launcher/inline/inline-launcher.ts';
import { assertPortFree, createLogger } from '../../runtime/index.ts';
import { readQueueManagerConfig } from '../../services/queue-manager/config.ts';
import { PGliteClient } from '../../store/pglite/pglite-client.ts';
import type { SqlClient } from '../../store/types.ts';
import type { EmbeddedGeobotOptions } from '../../services/geobot/embedded.ts';
import { numberFlag, parseFlags, type CliCommand } from '../args.ts';
import { serveUntilSignal, startOrClose } from './serve.ts';

/**
 * The queue manager, the job recipes and the connector's sink: loaded while PGlite starts (its WASM
 * compiles off the main thread), not before. Imports stay within the embedded mode's needs: no Kafka
 * or Kubernetes client (bench/startup measures what that saves).
 */
async function loadEmbedded() {
  const [manager, graphs, recipes, connector] = await Promise.all([
    import('../../services/queue-manager/queue-manager.ts'),
    import('../../services/queue-manager/graphs/graph-reader.ts'),
    import('../../services/job-catalogue.ts'),
    import('../../services/connector/index.ts'),
  ]);
  return {
    QueueManager: manager.QueueManager,
    storeGraphReader: graphs.storeGraphReader,
    createJobCatalog: recipes.createJobCatalog,
    PostgresSink: connector.PostgresSink,
  };
}

/** Awaits both; if one fails, closes the database the other opened. */
async function openAndLoad(
  opening: Promise<SqlClient>,
): Promise<[SqlClient, Awaited<ReturnType<typeof loadEmbedded>>]> {
  const [sql, modules] = await Promise.allSettled([opening, loadEmbedded()]);
  if (sql.status === 'fulfilled' && modules.status === 'fulfilled') return [sql.value, modules.value];
  if (sql.status === 'fulfilled') await sql.value.close();
  throw sql.status === 'rejected' ? sql.reason : (modules as PromiseRejectedResult).reason;
}

const FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  'job-seconds': { type: 'string' },
  'loading-interval': { type: 'string' },
  'log-level': { type: 'string' },
  geobot: { type: 'boolean' },
  'geobot-port': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const EXAMPLE = JSON.stringify({
  symbol: 'BTCUSDT',
  time_range: '2024-06-01:2024-06-30',
  // Synthetic candles need no network; api_candles_5m reads Binance.
  requests: [
    { target: 'loader-producer', type: 'synthetic_candles_5m' },
    { target: 'arango-connector', type: 'synthetic_candles_5m' },
  ],
});

/** geobot beside the queue manager (--geobot): imported only then, so that plain `up` starts no slower. */
async function startGeobot(options: Omit<EmbeddedGeobotOptions, 'onInfo'>) {
  const { EmbeddedGeobot } = await import('../../services/geobot/embedded.ts');
  const geobot = new EmbeddedGeobot({
    ...options,
    // The replies, as the logger would index them: what a newcomer wants to see after a POST.
    onInfo: (e) =>
      console.log(
        `[info_in] ${e.service} ${e.action}: ${e.payload.message} ${JSON.stringify(e.payload.data)}`,
      ),
  });
  try {
    await geobot.start();
  } catch (error) {
    await geobot.close().catch(() => undefined);
    throw error;
  }
  return geobot;
}

function geobotHelp(url: string): string {
  return `geobot (seed 003): LK gateway ${url} (Swagger UI ${url}/docs); replies print here as [info_in]
  curl -s -X POST ${url}/create_user -H 'content-type: application/json' \\
    -d '{"user_id": "u1", "username": "ada", "email": "ada@example.org"}'
  curl -s -X POST ${url}/start_task -H 'content-type: application/json' \\
    -d '{"type": "route_length", "points": [{"lat": 55.75, "lon": 37.62}, {"lat": 59.94, "lon": 30.31}]}'
`;
}

export const upCommand: CliCommand = {
  help: `Usage: streamforge up [--port 8080] [--host 127.0.0.1] [--data-dir ./.streamforge]

The embedded all-in-one: the queue manager, its web dashboard (at /) and REST API (Swagger UI at
/docs), every job run in-process on an in-memory bus, and the state in PGlite (PostgreSQL in WASM)
under --data-dir, so queues survive a restart. Every target is a real worker: loader-producer (Binance,
archive files or a synthetic source), arango-connector (collections in the same PGlite), graph-builder
(graphs), gnn-trainer (models and predictions) and the visualizer (a graph's metrics, live on the
dashboard's graph page).
Memory stays flat across queues: records every reader committed are released from the in-memory
bus, and a queue's data topics are deleted once it ended with their jobs finished (collections stay).

Flags:
  --port P               API port (default 8080, or PORT; 0 picks a free one); a busy one is refused
                         at once (SF_PORT_IN_USE)
  --host H               interface to listen on (default 127.0.0.1, or HOST)
  --data-dir D           PGlite directory (default ./.streamforge); one process at a time. A new one
                         starts from a copy of PostgreSQL's initdb saved in <tmp>/streamforge-cache
  --job-seconds S        how long a simulated historical job runs (default 10, or SIMULATED_JOB_SECONDS)
  --loading-interval S   seconds between simulated loading events (default 1)
  --log-level L          info (default), debug, warn, error
  --geobot               also run geobot (seed 003): its LK gateway on --geobot-port, ARM (users in
                         this PGlite) and WORKER on the same in-memory bus; every info_in envelope
                         (the replies) is printed. See docs/geobot.md
  --geobot-port P        the geobot gateway's port (default 5500, the seed's LK port; 0: any free one)

Environment: QUEUE_MANAGER_TOKEN (bearer token for POST routes) and the queue manager's tuning
variables (see "streamforge queue-manager --help"). Ctrl-C stops the jobs (they publish interrupted)
and exits. While it runs, "streamforge collection <name>" asks it (GET /collections/<name>).`,
  async run(argv, env) {
    const flags = parseFlags(argv, FLAGS);
    const overrides: Record<string, string> = {};
    if (flags.port !== undefined) overrides.PORT = String(numberFlag('port', flags.port));
    if (flags.host !== undefined) overrides.HOST = flags.host;
    if (flags['job-seconds'] !== undefined)
      overrides.SIMULATED_JOB_SECONDS = String(numberFlag('job-seconds', flags['job-seconds']));
    if (flags['loading-interval'] !== undefined) {
      overrides.SIMULATED_LOADING_INTERVAL_SECONDS = String(
        numberFlag('loading-interval', flags['loading-interval'], 0.01),
      );
    }
    const config = readQueueManagerConfig({ ...env, ...overrides }, { port: 8080, host: '127.0.0.1' });
    const dataDir = resolve(flags['data-dir'] ?? './.streamforge');
    const logger = createLogger({
      service: 'queue-manager',
      level: flags['log-level'] ?? env.LOG_LEVEL ?? 'info',
    });
    const started = performance.now();
    const geobotPort = numberFlag('geobot-port', flags['geobot-port']) ?? 5500;
    // Before the database: opening it takes seconds, and a busy port would only show when listening.
    await assertPortFree(config.port, config.host, '--port');
    if (flags.geobot) await assertPortFree(geobotPort, config.host, '--geobot-port');
    // A fresh data directory starts from a saved initdb (see PGliteTemplate), kept beside Node's
    // compile cache in the OS temp directory.
    const opening = PGliteClient.open({ dataDir, templateDir: join(tmpdir(), 'streamforge-cache') });
    const [sql, { QueueManager, storeGraphReader, createJobCatalog, PostgresSink }] =
      await openAndLoad(opening);
    // Records every reader is done with are released as they are committed, and an ended queue's data
    // topics are deleted (the manager's DataTopicReleaser): the process does not grow with every queue.
    const bus = new MemoryBus({ releaseConsumed: true });
    // Every target with a worker runs it (BINANCE_API_URL, GRAPH_*, GNN_*… from the environment).
    const catalog = createJobCatalog({ simulation: config.simulation, workers: { env, store: sql } });
    const jobLogger = createLogger({
      service: 'job',
      level: flags['log-level'] === 'debug' ? 'debug' : 'warn',
    });
    const launcher = new InlineLauncher({ bus, catalog, logger: jobLogger });
    // GET /collections/{name}: the collections the in-process connectors write into this PGlite.
    const collections = new PostgresSink(sql);
    // GET /graphs/{name} for the dashboard's graph page (the graphs graph-builder stored).
    const graphs = storeGraphReader(sql);
    const manager = new QueueManager({ config, sql, bus, launcher, catalog, logger, collections, graphs });
    await startOrClose(manager, bus, sql);
    const geobot = flags.geobot
      ? await startGeobot({ bus, sql, env, port: geobotPort, host: config.host, logger: jobLogger }).catch(
          async (error: unknown) => {
            await manager.close();
            await bus.close();
            await sql.close();
            throw error;
          },
        )
      : undefined;
    const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    const url = `http://${host}:${manager.port}`;
    const auth = config.token ? ` -H "Authorization: Bearer $QUEUE_MANAGER_TOKEN"` : '';
    console.log(`
StreamForge is up in ${((performance.now() - started) / 1000).toFixed(1)} s: ${url}
  dashboard              ${url}/
  API docs (Swagger UI)  ${url}/docs
  state (PGlite)         ${dataDir}
  jobs                   in-process, on an in-memory bus

Start a queue:
  curl -s -X POST ${url}/queues/start -H 'content-type: application/json'${auth} \\
    -d '${EXAMPLE}'
Watch it:
  curl -s ${url}/queues/<queue_id>
  curl -sN ${url}/queues/<queue_id>/events?stream=true
A collection the connectors wrote (rows, coverage, gaps):
  npx streamforge collection <name>${manager.port === 8080 ? '' : ` --manager ${url}`}   or   curl -s ${url}/collections/<name>

${geobot ? `${geobotHelp(`http://${host}:${geobot.port}`)}\n` : ''}Ctrl-C to stop.`);
    return serveUntilSignal(manager, { bus, sql, logger, alongside: geobot });
  },
};
