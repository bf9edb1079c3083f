import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  backoffMs,
  classifyFailure,
  DEFAULT_CONSUMER_OPTIONS,
  invalidEvent,
  parseDuration,
  readConsumerOptions,
  resolveConsumerOptions,
} from '../../src/consumer/index.ts';
import { PartitionState } from '../../src/consumer/partition-state.ts';
import { Liveness } from '../../src/consumer/liveness.ts';
import { ErrorCodes, StreamForgeError } from '../../src/protocol/index.ts';
import type { BusRecord } from '../../src/bus/index.ts';

const rec = (offset: number): BusRecord => ({
  topic: 't',
  partition: 0,
  offset: BigInt(offset),
  key: null,
  value: null,
  headers: {},
  timestamp: 0,
});

describe('consumer options', () => {
  it("defaults are seed 002's", () => {
    const o = readConsumerOptions({});
    assert.equal(o.topic, 'events');
    assert.equal(o.groupId, 'consumer-service');
    assert.equal(o.minBytes, 10_000);
    assert.equal(o.maxBytes, 10_000_000);
    assert.equal(o.maxWaitMs, 1000);
    assert.equal(o.commitIntervalMs, 1000);
    assert.equal(o.maxRetries, 3);
    assert.equal(o.retryBackoffMs, 100);
    assert.equal(o.deadLetterTopic, 'events-dlq');
    assert.ok(Object.isFrozen(o));
  });

  it('reads the seed environment names, Go durations included', () => {
    const o = readConsumerOptions({
      KAFKA_TOPIC: 'users',
      KAFKA_GROUP_ID: 'g',
      KAFKA_MIN_BYTES: '1',
      KAFKA_MAX_BYTES: '1000',
      KAFKA_MAX_WAIT: '250ms',
      KAFKA_COMMIT_INTERVAL: '1m30s',
      KAFKA_START_OFFSET: 'latest',
      KAFKA_MAX_RETRIES: '0',
      KAFKA_RETRY_BACKOFF: '1.5s',
      KAFKA_DLQ_TOPIC: 'users.dead',
      KAFKA_CONCURRENCY: '8',
    });
    assert.deepEqual(
      [o.topic, o.groupId, o.minBytes, o.maxBytes, o.maxWaitMs, o.commitIntervalMs, o.startOffset],
      ['users', 'g', 1, 1000, 250, 90_000, 'latest'],
    );
    assert.deepEqual(
      [o.maxRetries, o.retryBackoffMs, o.deadLetterTopic, o.concurrency],
      [0, 1500, 'users.dead', 8],
    );
  });

  it('refuses bad values, naming the variable', () => {
    assert.throws(() => readConsumerOptions({ KAFKA_MAX_WAIT: '5' }), /KAFKA_MAX_WAIT="5".*duration/);
    assert.throws(() => readConsumerOptions({ KAFKA_START_OFFSET: 'middle' }), /KAFKA_START_OFFSET/);
    assert.throws(() => readConsumerOptions({ KAFKA_MAX_RETRIES: '-1' }), /KAFKA_MAX_RETRIES/);
    assert.throws(() => resolveConsumerOptions({ topic: 'a', deadLetterTopic: 'a' }), /deadLetterTopic/);
    assert.throws(() => resolveConsumerOptions({ minBytes: 10, maxBytes: 5 }), /maxBytes/);
  });

  it('parses Go durations', () => {
    assert.equal(parseDuration('X', '0'), 0);
    assert.equal(parseDuration('X', '100ms'), 100);
    assert.equal(parseDuration('X', '2h'), 7_200_000);
    assert.equal(parseDuration('X', '1m1s'), 61_000);
    assert.throws(() => parseDuration('X', '1 s'), /X="1 s"/);
    assert.throws(() => parseDuration('X', ''), /X=""/);
  });

  it('exports its defaults frozen', () => assert.ok(Object.isFrozen(DEFAULT_CONSUMER_OPTIONS)));
});

describe('failure classification and backoff', () => {
  it('tells outages, invalid records and handler errors apart', () => {
    const outage = new StreamForgeError(ErrorCodes.STORE_UNAVAILABLE, 'down', { canRetry: true });
    assert.equal(classifyFailure(outage), 'unavailable');
    assert.equal(classifyFailure(new Error('wrapped', { cause: outage })), 'unavailable');
    assert.equal(classifyFailure(invalidEvent('no such user')), 'invalid');
    assert.equal(classifyFailure(new StreamForgeError(ErrorCodes.STORE_QUERY_FAILED, 'bad sql')), 'handler');
    assert.equal(classifyFailure(new TypeError('bug')), 'handler');
  });

  it('doubles from the base, adds at most 50 % jitter and respects the cap', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => backoffMs(n, 100, 10_000, () => 0)),
      [100, 200, 400, 800],
    );
    assert.equal(
      backoffMs(1, 100, 10_000, () => 0.999),
      150,
    );
    assert.equal(
      backoffMs(20, 100, 1000, () => 0),
      1000,
    );
    const spread = new Set(Array.from({ length: 50 }, () => backoffMs(3, 100, 10_000)));
    assert.ok(spread.size > 1, 'jitter varies');
    for (const v of spread) assert.ok(v >= 400 && v <= 600);
  });
});

describe('partition state', () => {
  it('commits only past the finished prefix, whatever order records finish in', () => {
    const state = new PartitionState('t', 0);
    for (const o of [5, 6, 7, 8]) assert.ok(state.accept(rec(o)));
    assert.equal(state.uncommitted(), undefined);
    state.finish(7n);
    state.finish(6n);
    assert.equal(state.uncommitted(), undefined, 'offset 5 is not finished: nothing to commit');
    assert.deepEqual(
      state.next(10).map((r) => r.offset),
      [5n, 8n],
    );
    state.finish(5n);
    assert.equal(state.uncommitted()?.offset, 8n);
    state.committed(8n);
    assert.equal(state.uncommitted(), undefined);
    assert.equal(state.waiting, 1);
  });

  it('skips records it already holds when the client rewinds after a rejoin', () => {
    const state = new PartitionState('t', 0);
    state.accept(rec(0));
    state.accept(rec(1));
    state.finish(0n);
    assert.equal(state.accept(rec(0)), false);
    assert.equal(state.accept(rec(1)), false);
    assert.equal(state.accept(rec(2)), true);
    assert.equal(state.waiting, 2);
  });
});

describe('liveness', () => {
  it('turns false when the loop stops beating or a handler runs too long', () => {
    let now = 0;
    const live = new Liveness(1000, () => now);
    assert.equal(live.problem(), undefined);
    now = 1500;
    assert.match(live.problem() ?? '', /not polled/);
    live.beat();
    const leave = live.enter();
    now = 2000;
    live.beat();
    assert.equal(live.problem(), undefined);
    now = 2600;
    live.beat();
    assert.match(live.problem() ?? '', /handler has been running/);
    leave();
    assert.equal(live.problem(), undefined);
  });
});
