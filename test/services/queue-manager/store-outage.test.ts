// The queue manager's probes while its PostgreSQL is down, on a private server the test stops and restarts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryBus } from '../../../src/bus/index.ts';
import type { QueueManager } from '../../../src/services/queue-manager/index.ts';
import { PostgresClient } from '../../../src/store/index.ts';
import { PrivatePostgres } from '../../support/private-postgres.ts';
import { waitFor } from '../../support/wait.ts';
import { api, startManager, testConfig } from './harness.ts';
import { SilentAwareLauncher, failFirstCatalog } from './test-launchers.ts';

describe('queue manager: its PostgreSQL goes away', () => {
  const bus = new MemoryBus();
  let server: PrivatePostgres;
  let sql: PostgresClient;
  let manager: QueueManager;

  before(async () => {
    server = await PrivatePostgres.start();
    sql = new PostgresClient({ connectionString: server.url, connectTimeoutMs: 1000 });
    await sql.connect();
    const config = testConfig();
    const catalog = failFirstCatalog(config.simulation);
    manager = await startManager({
      config,
      sql,
      bus,
      launcher: new SilentAwareLauncher(bus, catalog),
      catalog,
    });
  });
  after(async () => {
    await manager?.close();
    await sql?.close();
    await server?.destroy();
  });

  it('/health/ready says the store is unavailable while it is down, and ok once it is back', async () => {
    const http = api(manager);
    const ready = () => http.get('/health/ready') as Promise<{ status: number; body: unknown }>;
    assert.deepEqual(await ready(), {
      status: 200,
      body: { status: 'ok', checks: { database: true, bus: true } },
    });
    assert.match(await manager.registry.metrics(), /^queue_manager_database_up 1$/m);
    await server.stop('immediate');
    // Regression: the probe kept answering ok during an outage.
    assert.deepEqual(await ready(), {
      status: 503,
      body: { status: 'unavailable', checks: { database: false, bus: true } },
    });
    // /metrics still answers (the queue counts stay as they were) and says the database is down: what
    // the StreamForgeDatabaseDown alert (deploy/prometheus) watches.
    const metrics = await manager.registry.metrics();
    assert.match(metrics, /^queue_manager_database_up 0$/m);
    assert.match(metrics, /^queue_manager_queues\{status="running"\} \d+$/m);
    await server.restart();
    await waitFor('ready again', async () => (await ready()).status === 200, 20_000);
  });
});
