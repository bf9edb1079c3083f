// `streamforge consumer` as a real process: kill -9 mid-batch and SIGTERM mid-batch.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaBus } from '../../../src/bus/index.ts';
import type { PostgresClient } from '../../../src/store/index.ts';
import { TestBackends } from '../../support/backends.ts';
import { startCli, type CliProcess } from '../../support/cli.ts';
import { kafkaSkipReason, testKafka } from '../../support/kafka.ts';
import { waitFor } from '../../support/wait.ts';
import {
  generateUserEvents,
  processedCount,
  produceAll,
  readUsers,
  waitForProcessed,
} from './user-events.ts';
import { serviceTestEnv, usersTopic } from './users-topic.ts';

describe('streamforge consumer (process)', { skip: kafkaSkipReason }, () => {
  let backends: TestBackends;
  let bus: KafkaBus;
  let sql: PostgresClient;

  before(async () => {
    backends = await TestBackends.open();
    ({ bus, db: sql } = backends);
  });
  after(() => backends.close());

  /** `streamforge consumer` on the test broker and database; killed on close if still running. */
  function spawnConsumer(env: Record<string, string>): CliProcess {
    const running = startCli(['consumer'], {
      KAFKA_BOOTSTRAP_SERVERS: testKafka().options.bootstrapServers.join(','),
      ...serviceTestEnv,
      LOG_LEVEL: 'info',
      ...env,
    });
    backends.defer(() => running.stop('SIGKILL'));
    return running;
  }

  /** Holds the users table so the next event's statement waits: an event is then in flight for sure. */
  async function holdUsersTable(schema: string): Promise<{ release(): Promise<void> }> {
    let release: (() => void) | undefined;
    const held = new Promise<void>((r) => (release = r));
    let locked: (() => void) | undefined;
    const isLocked = new Promise<void>((r) => (locked = r));
    const lock = sql.transaction(async (tx) => {
      await tx.query(`lock table "${schema}".users in exclusive mode`);
      locked!();
      await held;
    });
    await isLocked;
    const handle = {
      release: async () => {
        release!();
        await lock;
      },
    };
    backends.defer(() => handle.release()); // a failed test must not leave the pool waiting
    await waitFor('an event waits on the lock', async () => {
      const { rows } = await sql.query<{ n: number }>(
        `select count(*)::int as n from pg_locks where not granted and relation = $1::regclass`,
        [`"${schema}".users`],
      );
      return rows[0]!.n > 0;
    });
    return handle;
  }

  async function committedExactly(schema: string, group: string, topic: string): Promise<void> {
    const { rows } = await sql.query<{ next: string }>(
      `select max("offset") + 1 as next from "${schema}".consumer_processed_events`,
    );
    const committed = (await bus.committedOffsets(group, topic)).get(0);
    assert.equal(committed, BigInt(rows[0]!.next), 'committed exactly up to the last handled event');
  }

  const committedTotal = async (group: string, topic: string) =>
    [...(await bus.committedOffsets(group, topic)).values()].reduce((n, o) => n + Number(o), 0);

  it('kill -9 mid-batch, then restart: the final state is exact and no event is applied twice', async () => {
    const { topic, schema, group, env } = await usersTopic(backends, 4);
    const generated = generateUserEvents(topic, 10_000, 500, schema, 21);
    await produceAll(bus, generated.records);

    const first = spawnConsumer(env);
    await waitForProcessed('processing under way', sql, schema, { atLeast: 1500 }, 30_000);
    first.child.kill('SIGKILL');
    assert.equal(await first.exit, null);
    const atKill = await processedCount(sql, schema);
    assert.ok(
      atKill < generated.distinct,
      `killed mid-stream (${atKill} of ${generated.distinct} processed)`,
    );
    const committed = await committedTotal(group, topic);
    assert.ok(
      committed <= atKill + (generated.records.length - generated.distinct),
      'never committed past what was handled',
    );

    const second = spawnConsumer(env);
    await waitForProcessed(
      'the rest processed after restart',
      sql,
      schema,
      { exactly: generated.distinct },
      60_000,
    );
    assert.deepEqual(
      await readUsers(sql, schema),
      generated.expected,
      'versions count applied events: none twice',
    );
    second.child.kill('SIGTERM');
    assert.equal(await second.exit, 0, second.output());
    // Regression: the `starting` line repeated the logger's base keys (version and env twice).
    const starting = second
      .output()
      .split('\n')
      .find((line) => line.includes('"msg":"starting"'));
    assert.ok(starting, second.output());
    const keys = [...starting.matchAll(/[{,]"([a-z_]+)":/g)].map((m) => m[1]);
    assert.deepEqual(keys, [...new Set(keys)], `every key once: ${starting}`);
    assert.equal(
      await committedTotal(group, topic),
      generated.records.length,
      'committed to the end on SIGTERM',
    );
  });

  it('SIGTERM mid-batch: the in-flight event finishes, what was handled is committed, nothing more', async () => {
    const { topic, schema, group, env } = await usersTopic(backends, 1);
    const generated = generateUserEvents(topic, 8000, 200, schema, 31, 0); // no duplicates: offsets map 1:1 to rows
    await produceAll(bus, generated.records);
    const running = spawnConsumer({ ...env, SHUTDOWN_TIMEOUT: '20s' });
    await waitForProcessed('processing under way', sql, schema, { atLeast: 100 }, 30_000);

    const lock = await holdUsersTable(schema);
    running.child.kill('SIGTERM');
    await sleep(500);
    assert.equal(running.child.exitCode, null, 'it waits for the in-flight event');
    await lock.release();
    assert.equal(await running.exit, 0, running.output());

    const processed = await processedCount(sql, schema);
    assert.ok(processed >= 100 && processed < generated.distinct, 'stopped mid-stream');
    await committedExactly(schema, group, topic);
  });

  it('SIGTERM with a hung event: after SHUTDOWN_TIMEOUT it is abandoned uncommitted, then redelivered', async () => {
    const { topic, schema, group, env: usersEnv } = await usersTopic(backends, 1);
    const generated = generateUserEvents(topic, 8000, 200, schema, 41, 0);
    await produceAll(bus, generated.records);
    const env = { ...usersEnv, SHUTDOWN_TIMEOUT: '1s' };
    const running = spawnConsumer(env);
    await waitForProcessed('processing under way', sql, schema, { atLeast: 100 }, 30_000);
    const lock = await holdUsersTable(schema);
    running.child.kill('SIGTERM');
    const exited = await Promise.race([running.exit, sleep(10_000).then(() => 'still running')]);
    assert.equal(exited, 0, running.output());
    assert.match(running.output(), /abandoning them uncommitted/);
    await lock.release();
    await committedExactly(schema, group, topic);

    const again = spawnConsumer(env);
    await waitForProcessed('the rest processed', sql, schema, { exactly: generated.distinct }, 60_000);
    assert.deepEqual(await readUsers(sql, schema), generated.expected);
    again.child.kill('SIGTERM');
    assert.equal(await again.exit, 0);
  });
});
