// End-of-stream markers identify their run: a connector that follows a loader (UPSTREAM_PRODUCER, set
// by the queue manager) ends only on that loader's markers, with counts that agree with the topic.
// Real broker and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KafkaBus } from '../../../src/bus/index.ts';
import { END_OF_STREAM_KEY, dataTopic, type EndOfStream } from '../../../src/protocol/index.ts';
import { TestBackends } from '../../support/backends.ts';
import { testCandle } from '../../support/candles.ts';
import { kafkaSkipReason } from '../../support/kafka.ts';
import { collectTelemetry, queueIntoTable, runConnector, runLoader } from '../../support/market-jobs.ts';
import { countRows } from '../../support/postgres.ts';
import { waitFor } from '../../support/wait.ts';

const TYPE = 'synthetic_candles_1m';

describe('connector end-of-stream markers', { skip: kafkaSkipReason }, () => {
  let backends: TestBackends;
  let bus: KafkaBus;

  before(async () => {
    backends = await TestBackends.open();
    ({ bus } = backends);
  });
  after(() => backends.close());

  it("ignores another producer's markers and old markers without a run; finishes on its loader's", async () => {
    const queue = await queueIntoTable(backends, 'eos-stale');
    const topic = dataTopic(queue.queueId, TYPE);
    await bus.createTopics([{ name: topic, partitions: 3 }]);
    const env = { ...queue.env, SYMBOL: 'BTCUSDT', TYPE };
    const followed = 'loader-producer__follow';
    // An earlier loader run on the same topic, complete with its markers (with run identity).
    const stale = await runLoader(bus, {
      ...env,
      SYNTHETIC_RECORDS: '300',
      TELEMETRY_PRODUCER_ID: 'loader-producer__stale1',
    });
    assert.equal(stale.state, 'finished', stale.error);
    // Markers in the old format (no run identity), even naming the followed loader.
    await bus.produce(
      [0, 1, 2].map((partition) => {
        const old = { kind: 'end', producer: followed, partition, partitions: 3, records: 0, total: 0 };
        return { topic, key: END_OF_STREAM_KEY, value: JSON.stringify(old), partition };
      }),
    );
    const telemetry = await collectTelemetry(bus, queue.events);
    const connector = runConnector(bus, {
      ...env,
      UPSTREAM_PRODUCER: followed,
      TELEMETRY_PRODUCER_ID: 'arango-connector__follow',
    });
    let settled = false;
    void connector.then(() => (settled = true));
    // The connector has read past every stale marker (it stores the earlier run's records too) ...
    await waitFor(
      'the connector to drain the earlier run',
      () =>
        telemetry
          .ofTarget('arango-connector', 'loading')
          .some((e) => (e.records_written ?? 0) >= 300 && /0 partitions ended/.test(e.message ?? '')),
      60_000,
    );
    // ... and has not ended on them.
    assert.equal(settled, false, 'the connector ended on markers of another run');
    const loader = await runLoader(bus, {
      ...env,
      SYNTHETIC_RECORDS: '500',
      TELEMETRY_PRODUCER_ID: followed,
    });
    assert.equal(loader.state, 'finished', loader.error);
    const outcome = await connector;
    await telemetry.close();
    assert.equal(outcome.state, 'finished', outcome.error);
    const finished = telemetry.ofTarget('arango-connector', 'finished').at(-1);
    assert.equal(finished?.records_total, 500, 'the total of the followed run, not of the earlier one');
    // Every record on the topic that is not a marker is counted as stored (800 upserts of 500 keys).
    assert.equal(finished?.records_written, 800);
    assert.equal(await countRows(backends.db, queue.collection), 500);
  });

  it('markers of two attempts never combine: it ends when one run has every partition', async () => {
    const queue = await queueIntoTable(backends, 'eos-attempts');
    const topic = dataTopic(queue.queueId, TYPE);
    await bus.createTopics([{ name: topic, partitions: 3 }]);
    const producer = 'loader-producer__twice1';
    const marker = (run: string, attempt: number, partition: number): EndOfStream => ({
      kind: 'end',
      producer,
      run: `${producer}.${attempt}.${run}`,
      attempt,
      partition,
      partitions: 3,
      records: 2,
      total: 6,
      first_offset: 0,
    });
    const send = (markers: EndOfStream[]) =>
      bus.produce(
        markers.map((m) => ({
          topic,
          key: END_OF_STREAM_KEY,
          value: JSON.stringify(m),
          partition: m.partition,
        })),
      );
    // Two records per partition, then: the first attempt's markers on partitions 0 and 1 (it failed
    // before the third), the second attempt's on partition 2.
    await bus.produce(
      [0, 1, 2].flatMap((partition) =>
        [1, 2].map((i) => {
          const openTime = (partition * 10 + i) * 60_000;
          return { topic, key: `k${openTime}`, value: JSON.stringify(testCandle(openTime)), partition };
        }),
      ),
    );
    await send([marker('aaaa', 1, 0), marker('aaaa', 1, 1), marker('bbbb', 2, 2)]);
    const telemetry = await collectTelemetry(bus, queue.events);
    const connector = runConnector(bus, {
      ...queue.env,
      SYMBOL: 'BTCUSDT',
      TYPE,
      UPSTREAM_PRODUCER: producer,
    });
    let settled = false;
    void connector.then(() => (settled = true));
    await waitFor(
      'the connector to read every marker so far',
      () =>
        telemetry
          .ofTarget('arango-connector', 'loading')
          .some((e) => e.records_written === 6 && /2 partitions ended/.test(e.message ?? '')),
      60_000,
    );
    assert.equal(settled, false, 'ended on markers of two different attempts');
    await send([marker('bbbb', 2, 0), marker('bbbb', 2, 1)]);
    const outcome = await connector;
    await telemetry.close();
    assert.equal(outcome.state, 'finished', outcome.error);
    const finished = telemetry.ofTarget('arango-connector', 'finished').at(-1);
    assert.deepEqual([finished?.records_written, finished?.records_total], [6, 6]);
  });

  it('a marker whose count disagrees with the topic fails the connector, naming partition and counts', async () => {
    const queue = await queueIntoTable(backends, 'eos-count');
    const topic = dataTopic(queue.queueId, TYPE);
    await bus.createTopics([{ name: topic, partitions: 3 }]);
    const producer = 'loader-producer__count1';
    const first = await bus.endOffsets(topic);
    // Two records on partition 0, one on 1, none on 2; the marker of partition 0 claims five.
    const held = [2, 1, 0];
    let openTime = 0;
    await bus.produce(
      held.flatMap((n, partition) =>
        Array.from({ length: n }, () => {
          openTime += 60_000;
          return { topic, key: `k${openTime}`, value: JSON.stringify(testCandle(openTime)), partition };
        }),
      ),
    );
    await bus.produce(
      held.map((n, partition) => {
        const marker: EndOfStream = {
          kind: 'end',
          producer,
          run: `${producer}.1.abcd`,
          attempt: 1,
          partition,
          partitions: 3,
          records: partition === 0 ? 5 : n,
          total: 6,
          first_offset: Number(first.get(partition)),
        };
        return { topic, key: END_OF_STREAM_KEY, value: JSON.stringify(marker), partition };
      }),
    );
    const telemetry = await collectTelemetry(bus, queue.events);
    const outcome = await runConnector(bus, {
      ...queue.env,
      SYMBOL: 'BTCUSDT',
      TYPE,
      UPSTREAM_PRODUCER: producer,
    });
    await telemetry.close();
    assert.equal(outcome.state, 'failed');
    assert.equal(outcome.code, 'SF_END_OF_STREAM_MISMATCH');
    assert.match(
      outcome.error ?? '',
      /^partition 0 of the data topic: .* counts 5 records, but the topic holds 2 /,
    );
    const error = telemetry.ofTarget('arango-connector', 'error').at(-1);
    assert.match(error?.error_message ?? '', /partition 0 .* counts 5 records, but the topic holds 2/);
  });
});
