import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCodes, StreamForgeError } from '../../../src/protocol/index.ts';
import { planQueue, type StartQueue } from '../../../src/services/queue-manager/index.ts';
import { rollUp } from '../../../src/services/queue-manager/rollup.ts';
import { SEED_HISTORICAL, SEED_REALTIME } from './harness.ts';
import { createJobCatalog } from '../../../src/services/job-catalogue.ts';

const catalog = createJobCatalog();

function reasons(body: unknown): string[] {
  try {
    planQueue(body as StartQueue, catalog);
  } catch (error) {
    assert.ok(error instanceof StreamForgeError);
    assert.equal(error.code, ErrorCodes.INVALID_REQUEST);
    return (error as StreamForgeError & { reasons: string[] }).reasons;
  }
  assert.fail('the payload was accepted');
}

describe('queue planning: naming and the DAG', () => {
  it('names seed 004 example 1 as DESIGN.md says and orders it', () => {
    const plan = planQueue(SEED_HISTORICAL, catalog);
    assert.match(plan.queueId, /^wf-btcusdt-api_candles_5m-20240601-[a-z0-9]{6}$/);
    const [candles, trades, c1, c2, graph, train] = plan.jobs;
    assert.match(candles!.telemetryId, /^loader-producer__[a-z0-9]{6}$/);
    assert.equal(candles!.topic, `${plan.queueId}.api_candles_5m`);
    assert.equal(c1!.topic, candles!.topic, 'a connector drains the topic of the loader of its type');
    assert.equal(candles!.collection, 'btcusdt_api_candles_5m_2024_06_01');
    assert.equal(trades!.collection, 'btcusdt_api_trades_2024_06_01');
    assert.match(candles!.jobName, /^job-loader-producer-btcusdt-[a-z0-9]{6}$/);
    assert.deepEqual(candles!.params, { interval: '5m' });
    assert.equal(graph!.collection, 'btc_graph_2024_06');
    assert.equal(train!.collection, 'gnn_model_btc_2024_06');
    // Loaders and connectors run together; the graph waits for the connectors; training for the graph.
    for (const job of [candles, trades, c1, c2]) assert.deepEqual(job!.dependsOn, []);
    assert.deepEqual(graph!.dependsOn, [c1!.telemetryId, c2!.telemetryId]);
    assert.deepEqual(train!.dependsOn, [graph!.telemetryId]);
  });

  it('accepts example 2 with "microservices" as the alias: everything streams, nothing waits', () => {
    const plan = planQueue(SEED_REALTIME, catalog);
    assert.match(plan.queueId, /^wf-btcusdt-ws_candles_1m-20240801-[a-z0-9]{6}$/);
    assert.equal(plan.jobs.length, 7);
    for (const job of plan.jobs) {
      assert.equal(job.streaming, true, `${job.target} ${job.type} streams`);
      assert.deepEqual(job.dependsOn, []);
    }
    assert.equal(plan.jobs[6]!.collection, 'btc_graph_rt_2024_08_01');
  });

  it('waits for named writers when the names match', () => {
    const plan = planQueue(
      {
        symbol: 'ethusdt',
        time_range: '2024-01-01:2024-01-02',
        requests: [
          { target: 'arango-connector', type: 'api_trades' },
          { target: 'arango-connector', type: 'api_candles_1h' },
          {
            target: 'graph-builder',
            type: 'gnn_graph',
            collection_inputs: ['ethusdt_api_trades_2024_01_01'],
          },
        ],
      },
      catalog,
    );
    assert.equal(plan.symbol, 'ETHUSDT');
    assert.deepEqual(
      plan.jobs[2]!.dependsOn,
      [plan.jobs[0]!.telemetryId],
      'only the connector that writes its input',
    );
    assert.equal(plan.jobs[2]!.collection, 'ethusdt_gnn_graph_2024_01_01');
  });

  it('rejects what the schema cannot see, with every reason at once', () => {
    assert.deepEqual(
      reasons({
        symbol: 'BTCUSDT',
        time_range: '2024-06-30:2024-06-01',
        requests: [
          { target: 'loader', type: 'api_trades' },
          { target: 'loader-producer', type: 'api_candle_5m' },
          { target: 'loader-producer', type: 'api_candles_5m', interval: '1m' },
          { target: 'loader-producer', type: 'api_trades', interval: '1m' },
        ],
      }),
      [
        'time_range "2024-06-30:2024-06-01": start is after end',
        'requests[0].target "loader" is unknown: expected one of loader-producer, arango-connector, graph-builder, gnn-trainer, visualizer',
        'requests[1].type "api_candle_5m" is not a type of loader-producer: expected one like api_candles_5m, api_trades, ws_candles_1m, ws_trades, archive_candles_1m, synthetic_trades',
        'requests[2].interval "1m" does not match the type api_candles_5m (interval 5m)',
        'requests[3].interval is only for candle types, not api_trades',
      ],
    );
    assert.deepEqual(
      reasons({
        symbol: 'BTCUSDT',
        time_range: '2024-02-30:2024-03-01',
        requests: [{ target: 'loader-producer', type: 'api_trades' }],
      }),
      [
        'time_range "2024-02-30:2024-03-01": the start date "2024-02-30" is not a real day in YYYY-MM-DD form',
      ],
    );
    assert.deepEqual(reasons({ symbol: 'BTCUSDT', time_range: '2024-02-01:2024-03-01' }), [
      '"requests" (or its alias "microservices") is required: the jobs of the queue',
    ]);
    const both = {
      symbol: 'BTCUSDT',
      time_range: '2024-02-01:2024-03-01',
      requests: [{ target: 'visualizer', type: 'graph_metrics_stream' }],
    };
    assert.deepEqual(reasons({ ...both, microservices: both.requests }), [
      'give "requests" or its alias "microservices", not both',
    ]);
    assert.match(
      reasons({
        symbol: 'BTCUSDT',
        time_range: '2024-08-01:2024-08-01',
        requests: [
          { target: 'arango-connector', type: 'ws_trades' },
          { target: 'graph-builder', type: 'gnn_graph' },
        ],
      })[0]!,
      /requests\[1\] \(graph-builder gnn_graph\) would wait for requests\[0\] \(arango-connector ws_trades\), which streams and never finishes/,
    );
    assert.match(
      reasons({
        symbol: 'BTCUSDT',
        time_range: '2024-08-01:2024-08-01',
        requests: [
          { target: 'loader-producer', type: 'api_trades' },
          { target: 'loader-producer', type: 'api_trades' },
        ],
      })[0]!,
      /requests\[1\] repeats loader-producer api_trades of requests\[0\]/,
    );
  });
});

describe('queue status roll-up', () => {
  const job = (telemetryId: string, status: string, dependsOn: string[] = []) => ({
    telemetryId,
    status: status as never,
    dependsOn,
  });
  it('pending, running, finished, failed, stopped', () => {
    assert.equal(rollUp([job('a', 'pending'), job('b', 'pending', ['a'])]), 'pending');
    assert.equal(rollUp([job('a', 'running'), job('b', 'pending', ['a'])]), 'running');
    assert.equal(rollUp([job('a', 'finished'), job('b', 'pending', ['a'])]), 'running');
    assert.equal(rollUp([job('a', 'finished'), job('b', 'finished', ['a'])]), 'finished');
    assert.equal(
      rollUp([job('a', 'failed'), job('b', 'pending', ['a'])]),
      'failed',
      'a blocked job cannot keep the queue open',
    );
    assert.equal(rollUp([job('a', 'lost'), job('b', 'finished')]), 'failed');
    assert.equal(rollUp([job('a', 'failed'), job('b', 'running')]), 'running', 'running until nothing moves');
    assert.equal(rollUp([job('a', 'stopped'), job('b', 'terminated'), job('c', 'finished')]), 'stopped');
    assert.equal(rollUp([job('a', 'stopping')]), 'running');
  });
});

describe('named inputs: each name resolves to the job of the queue that writes that kind', () => {
  const unresolved = (body: unknown): string[] => {
    try {
      planQueue(body as StartQueue, catalog);
    } catch (error) {
      assert.ok(error instanceof StreamForgeError);
      assert.equal(error.code, ErrorCodes.INPUT_UNRESOLVED);
      return (error as StreamForgeError & { reasons: string[] }).reasons;
    }
    assert.fail('the payload was accepted');
  };

  it("resolves seed 004's names to the connectors' and the graph builder's collections", () => {
    const plan = planQueue(SEED_HISTORICAL, catalog);
    const [, , candles, trades, graph, train] = plan.jobs;
    assert.deepEqual(graph!.inputs, [
      {
        field: 'collection_inputs',
        name: 'btc_candles_5m_2024_06',
        resolved_collection: 'btcusdt_api_candles_5m_2024_06_01',
        from_job: candles!.telemetryId,
      },
      {
        field: 'collection_inputs',
        name: 'btc_trades_2024_06',
        resolved_collection: 'btcusdt_api_trades_2024_06_01',
        from_job: trades!.telemetryId,
      },
    ]);
    assert.deepEqual(train!.inputs, [
      {
        field: 'graph_collection',
        name: 'btc_graph_2024_06',
        resolved_collection: 'btc_graph_2024_06',
        from_job: graph!.telemetryId,
      },
    ]);
    assert.deepEqual(candles!.inputs, [], 'a connector names no inputs');
  });

  it('tells live from historical data by the word ws, and names a visualizer after its source', () => {
    const plan = planQueue(
      {
        ...SEED_REALTIME,
        // Both sources in one queue: the names must say which one they mean.
        microservices: [
          ...SEED_REALTIME.microservices,
          { target: 'arango-connector', type: 'api_candles_1m' },
        ],
      },
      catalog,
    );
    const byType = (target: string, type: string) =>
      plan.jobs.find((j) => j.target === target && j.type === type)!;
    const graph = byType('graph-builder', 'realtime_graph');
    assert.deepEqual(
      graph.inputs.map((i) => [i.resolved_collection, i.from_job]),
      [
        ['btcusdt_ws_candles_1m_2024_08_01', byType('arango-connector', 'ws_candles_1m').telemetryId],
        ['btcusdt_ws_trades_2024_08_01', byType('arango-connector', 'ws_trades').telemetryId],
      ],
    );
    const visualizer = byType('visualizer', 'graph_metrics_stream');
    assert.equal(visualizer.inputs[0]!.from_job, graph.telemetryId);
    assert.equal(visualizer.collection, 'btc_graph_rt_2024_08_01');
  });

  it('takes a graph no job of the queue writes as an existing collection, and then waits for nothing', () => {
    const plan = planQueue(
      {
        symbol: 'BTCUSDT',
        time_range: '2024-06-01:2024-06-30',
        requests: [{ target: 'gnn-trainer', type: 'gnn_train', graph_collection: 'btc_graph_2024_05' }],
      },
      catalog,
    );
    assert.deepEqual(plan.jobs[0]!.inputs, [
      {
        field: 'graph_collection',
        name: 'btc_graph_2024_05',
        resolved_collection: 'btc_graph_2024_05',
        from_job: null,
      },
    ]);
    assert.deepEqual(plan.jobs[0]!.dependsOn, []);
  });

  it('rejects a name that resolves to nothing, to several writers, or says no kind: SF_INPUT_UNRESOLVED', () => {
    const graph = (inputs: string[]) => ({
      target: 'graph-builder',
      type: 'gnn_graph',
      collection_inputs: inputs,
    });
    assert.deepEqual(
      unresolved({
        symbol: 'BTCUSDT',
        time_range: '2024-06-01:2024-06-30',
        requests: [
          { target: 'arango-connector', type: 'api_candles_5m' },
          { target: 'arango-connector', type: 'api_candles_1h' },
          graph(['btc_candles_15m_2024_06', 'btc_trades_2024_06', 'btc_candles_2024_06', 'btc_ohlc_2024_06']),
        ],
      }),
      [
        'requests[2].collection_inputs "btc_candles_15m_2024_06" resolves to nothing: no job of the queue writes 15m candles',
        'requests[2].collection_inputs "btc_trades_2024_06" resolves to nothing: no job of the queue writes trades',
        'requests[2].collection_inputs "btc_candles_2024_06" is ambiguous: requests[0] (arango-connector api_candles_5m) and requests[1] (arango-connector api_candles_1h) all write candles; give the exact collection name',
        'requests[2].collection_inputs "btc_ohlc_2024_06" names no kind of market data: a name says "candles" or "trades" (and may say an interval and a source, e.g. btc_candles_5m_2024_06, btc_ws_trades_2024_08_01), or is exactly a collection a job of the queue writes',
      ],
    );
    // A loader writes a topic, not candles a graph can read: only the connectors count.
    assert.equal(
      unresolved({
        symbol: 'BTCUSDT',
        time_range: '2024-06-01:2024-06-30',
        requests: [{ target: 'loader-producer', type: 'api_candles_5m' }, graph(['btc_candles_5m_2024_06'])],
      }).length,
      1,
    );
  });
});
