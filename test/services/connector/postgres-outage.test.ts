// The connector on a PostgreSQL that stops in the middle of a COPY (the default upsert method) and
// comes back: the partition pauses, nothing is dead-lettered, every row arrives exactly once and the
// job finishes. A server of the test's own (initdb), since the shared one must never stop.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { KafkaBus } from '../../../src/bus/index.ts';
import { dataTopic } from '../../../src/protocol/index.ts';
import { PostgresSink } from '../../../src/services/connector/index.ts';
import { PostgresClient } from '../../../src/store/index.ts';
import { deadLetterTopic, kafkaSkipReason, testKafka } from '../../support/kafka.ts';
import { TestBackends } from '../../support/backends.ts';
import { collectTelemetry, isolatedQueue, runConnector, runLoader } from '../../support/market-jobs.ts';
import { PrivatePostgres } from '../../support/private-postgres.ts';
import { waitFor } from '../../support/wait.ts';

const RECORDS = 20_000;
const COLLECTION = 'outage_btcusdt_1m';

describe('connector while PostgreSQL stops mid-COPY', { skip: kafkaSkipReason }, () => {
  let backends: TestBackends;
  let bus: KafkaBus;
  let server: PrivatePostgres;

  before(async () => {
    backends = await TestBackends.open();
    bus = backends.bus;
    server = await PrivatePostgres.start();
  });
  after(async () => {
    await server.destroy();
    await backends.close();
  });

  for (const mode of ['immediate', 'fast'] as const) {
    it(`stop -m ${mode} during a COPY, restart: paused, every row exactly once, nothing dead-lettered`, async () => {
      const queue = await isolatedQueue(bus, `pg-outage-${mode}`);
      const collection = `${COLLECTION}_${mode}`;
      const env = {
        ...queue.env,
        ...testKafka().env,
        DATABASE_URL: server.url,
        COLLECTION_NAME: collection,
        SYMBOL: 'BTCUSDT',
        TYPE: 'synthetic_candles_1m',
        TIME_RANGE: '2024-01-01:2024-01-31',
        SYNTHETIC_RECORDS: String(RECORDS),
        DATA_TOPIC_PARTITIONS: '1',
        CONNECTOR_MAX_RETRIES: '0',
      };
      const topic = dataTopic(queue.queueId, 'synthetic_candles_1m');
      backends.defer(() => bus.deleteTopics([topic, deadLetterTopic(topic), queue.control, queue.events]));
      assert.equal((await runLoader(bus, env)).state, 'finished');

      const db = new PostgresClient({ connectionString: server.url });
      await new PostgresSink(db).ensureCollection({
        name: collection,
        kind: 'candle',
        symbol: 'BTCUSDT',
        interval: '1m',
      });
      // An open transaction holding the batch's first key: the connector's COPY waits on it, in flight,
      // until the server stops under both.
      const holder = new pg.Client({ connectionString: server.url });
      holder.on('error', () => undefined); // it dies with the server, as intended
      await holder.connect();
      await holder.query('begin');
      await holder.query(
        `insert into "${collection}" values ('BTCUSDT', '1m', '2024-01-01T00:00:00Z', '2024-01-01T00:00:59.999Z',
          1, 1, 1, 1, 1, 1, 1, 1, 1)`,
      );

      const telemetry = await collectTelemetry(bus, queue.events);
      let port = 0;
      const connector = runConnector(bus, env, undefined, { http: true, onListening: (p) => (port = p) });
      const ready = async () => {
        const answer = await fetch(`http://127.0.0.1:${port}/health/ready`);
        return {
          status: answer.status,
          database: ((await answer.json()) as { checks: Record<string, boolean> }).checks.database,
        };
      };
      await waitFor(
        'the connector COPY to wait on the held key',
        async () => {
          const { rows } = await db.query<{ n: number }>(
            `select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike 'copy%'`,
          );
          return rows[0]!.n > 0;
        },
        60_000,
      );
      assert.deepEqual(await ready(), { status: 200, database: true });
      await server.stop(mode);
      const duringOutage = await ready();
      await holder.end().catch(() => undefined);
      await server.restart();

      const outcome = await connector;
      await telemetry.close();
      // Regression: /health/ready answered ok while the connector's database was down.
      assert.deepEqual(duringOutage, { status: 503, database: false });
      assert.equal(outcome.state, 'finished', outcome.error);
      const counted = await db.query<{ n: number; d: number }>(
        `select count(*)::int as n, count(distinct open_time)::int as d from "${collection}"`,
      );
      assert.deepEqual(counted.rows[0], { n: RECORDS, d: RECORDS });
      const letters = [...(await bus.endOffsets(deadLetterTopic(topic))).values()];
      assert.equal(
        letters.reduce((sum, offset) => sum + offset, 0n),
        0n,
        'an outage dead-letters nothing',
      );
      const finished = telemetry.ofTarget('arango-connector', 'finished').at(-1);
      assert.equal(finished?.records_written, RECORDS);
      assert.equal(finished?.records_dead_lettered, 0);
      await db.close();
    });
  }
});
