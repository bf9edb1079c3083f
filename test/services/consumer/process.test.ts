// `streamforge consumer` as a real process: kill -9 mid-batch and SIGTERM mid-batch.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaBus } from '../../../src/bus/index.ts';
import { PostgresClient } from '../../../src/store/index.ts';
import { kafkaSkipReason, testKafka, uniqueName } from '../../support/kafka.ts';
import { waitFor } from '../../support/wait.ts';
import {
  dropSchema,
  generateUserEvents,
  processedCount,
  produceAll,
  readUsers,
  uniqueSchema,
} from './user-events.ts';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const root = resolve(import.meta.dirname, '../../..');

interface Running {
  child: ChildProcess;
  output: string[];
  exit: Promise<number | null>;
}

describe('streamforge consumer (process)', { skip: kafkaSkipReason }, () => {
  let bus: KafkaBus;
  let sql: PostgresClient;
  const cleanup: (() => Promise<unknown>)[] = [];
  const children: Running[] = [];
  const locks: { release(): Promise<void> }[] = [];

  before(async () => {
    bus = new KafkaBus(testKafka().options);
    sql = new PostgresClient({ connectionString: DATABASE_URL });
    await sql.connect();
  });
  after(async () => {
    for (const lock of locks) await lock.release(); // a failed test must not leave the pool waiting
    for (const { child, exit } of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exit;
    }
    for (const undo of cleanup.reverse()) await undo().catch(() => undefined);
    await bus.close();
    await sql.close();
  });

  async function setup(partitions: number) {
    const topic = uniqueName('users');
    const schema = uniqueSchema('consumer');
    await bus.createTopics([{ name: topic, partitions }]);
    cleanup.push(
      () => bus.deleteTopics([topic, `${topic}-dlq`]),
      () => dropSchema(sql, schema),
    );
    return { topic, schema, group: uniqueName('consumer-service') };
  }

  function spawnConsumer(env: Record<string, string>): Running {
    const child = spawn(process.execPath, ['bin/streamforge.js', 'consumer'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        KAFKA_BOOTSTRAP_SERVERS: testKafka().options.bootstrapServers.join(','),
        DATABASE_URL,
        METRICS_PORT: '127.0.0.1:0',
        KAFKA_MIN_BYTES: '1',
        KAFKA_MAX_WAIT: '100ms',
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout.on('data', (b: Buffer) => output.push(b.toString()));
    child.stderr.on('data', (b: Buffer) => output.push(b.toString()));
    const exit = once(child, 'exit').then(([code]) => code as number | null);
    const running = { child, output, exit };
    children.push(running);
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
    locks.push(handle);
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
    const { topic, schema, group } = await setup(4);
    const generated = generateUserEvents(topic, 10_000, 500, schema, 21);
    await produceAll(bus, generated.records);
    const env = { KAFKA_TOPIC: topic, KAFKA_GROUP_ID: group, DATABASE_SCHEMA: schema };

    const first = spawnConsumer(env);
    await waitFor('processing under way', async () => (await processedCount(sql, schema)) >= 1500, 30_000);
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
    await waitFor(
      'the rest processed after restart',
      async () => (await processedCount(sql, schema)) === generated.distinct,
      60_000,
    );
    assert.deepEqual(
      await readUsers(sql, schema),
      generated.expected,
      'versions count applied events: none twice',
    );
    second.child.kill('SIGTERM');
    assert.equal(await second.exit, 0, second.output.join(''));
    assert.equal(
      await committedTotal(group, topic),
      generated.records.length,
      'committed to the end on SIGTERM',
    );
  });

  it('SIGTERM mid-batch: the in-flight event finishes, what was handled is committed, nothing more', async () => {
    const { topic, schema, group } = await setup(1);
    const generated = generateUserEvents(topic, 8000, 200, schema, 31, 0); // no duplicates: offsets map 1:1 to rows
    await produceAll(bus, generated.records);
    const running = spawnConsumer({
      KAFKA_TOPIC: topic,
      KAFKA_GROUP_ID: group,
      DATABASE_SCHEMA: schema,
      SHUTDOWN_TIMEOUT: '20s',
    });
    await waitFor('processing under way', async () => (await processedCount(sql, schema)) >= 100, 30_000);

    const lock = await holdUsersTable(schema);
    running.child.kill('SIGTERM');
    await sleep(500);
    assert.equal(running.child.exitCode, null, 'it waits for the in-flight event');
    await lock.release();
    assert.equal(await running.exit, 0, running.output.join(''));

    const processed = await processedCount(sql, schema);
    assert.ok(processed >= 100 && processed < generated.distinct, 'stopped mid-stream');
    await committedExactly(schema, group, topic);
  });

  it('SIGTERM with a hung event: after SHUTDOWN_TIMEOUT it is abandoned uncommitted, then redelivered', async () => {
    const { topic, schema, group } = await setup(1);
    const generated = generateUserEvents(topic, 8000, 200, schema, 41, 0);
    await produceAll(bus, generated.records);
    const env = {
      KAFKA_TOPIC: topic,
      KAFKA_GROUP_ID: group,
      DATABASE_SCHEMA: schema,
      SHUTDOWN_TIMEOUT: '1s',
    };
    const running = spawnConsumer(env);
    await waitFor('processing under way', async () => (await processedCount(sql, schema)) >= 100, 30_000);
    const lock = await holdUsersTable(schema);
    running.child.kill('SIGTERM');
    const exited = await Promise.race([running.exit, sleep(10_000).then(() => 'still running')]);
    assert.equal(exited, 0, running.output.join(''));
    assert.match(running.output.join(''), /abandoning them uncommitted/);
    await lock.release();
    await committedExactly(schema, group, topic);

    const again = spawnConsumer(env);
    await waitFor(
      'the rest processed',
      async () => (await processedCount(sql, schema)) === generated.distinct,
      60_000,
    );
    assert.deepEqual(await readUsers(sql, schema), generated.expected);
    again.child.kill('SIGTERM');
    assert.equal(await again.exit, 0);
  });
});
