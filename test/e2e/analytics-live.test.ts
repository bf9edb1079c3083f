// Seed 004, example 2 (the live pipeline) through `streamforge up` against the Binance peer's streams:
// the ws loaders and connectors fill the live collections, realtime_graph builds the graph and extends it
// as 1m windows close, realtime_gnn_infer scores the new windows with the model of a 1m graph trained
// before, and the queue stops cleanly. The visualizer is still played by dummy-service.
//
// Differences from the seed's payload, and why: the range is today (the peer streams the present: a
// past day would be loaded from REST and end), and inference_interval is 2s instead of 5m (a test cannot
// wait 5 minutes for the first scores). It waits for one 1m window to close live: up to about 70 s.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PGliteClient } from '../../src/store/index.ts';
import { readGraph } from '../../src/services/graph-builder/graph-store.ts';
import { BinancePeer } from '../support/binance-peer/binance-peer.ts';
import { startCli, type CliProcess } from '../support/cli.ts';
import { waitFor } from '../support/wait.ts';
import { waitFinished, type QueueSeen } from './analytics-support.ts';

const day = (offsetDays: number): string =>
  new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

const RT_GRAPH = 'btc_graph_rt_2024_08_01';

describe('seed 004 example 2 through streamforge up: live graph, live inference, clean stop', () => {
  let peer: BinancePeer;
  let up: CliProcess;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), 'sf-analytics-live-'));
  const get = async (id: string): Promise<QueueSeen> =>
    (await (await fetch(`${url}/queues/${id}`)).json()) as QueueSeen;
  const start = async (body: object): Promise<string> => {
    const res = await fetch(`${url}/queues/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 201, await res.clone().text());
    return ((await res.json()) as { queue_id: string }).queue_id;
  };

  before(async () => {
    peer = await new BinancePeer({ tradesPerMinute: 1 }).start();
    up = startCli(['up', '--port', '0', '--data-dir', dir, '--log-level', 'warn'], {
      BINANCE_API_URL: peer.apiUrl,
      BINANCE_WS_URL: peer.wsUrl,
      LOADING_INTERVAL_SECONDS: '1',
      GRAPH_POLL_SECONDS: '1',
      GRAPH_METRICS_SECONDS: '1',
    });
    url = await up.waitForOutput(
      'streamforge up to listen',
      /StreamForge is up in [^:]+: (http:\/\/\S+)/,
      60_000,
    );
  });
  after(async () => {
    await up.stop('SIGTERM');
    await peer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('extends the graph as windows close, writes predictions, and stops', async () => {
    // A model of a 1m graph of the same symbol and features: realtime_gnn_infer names no model_output,
    // so it takes the newest such model (the seed's example 2 has no gnn_train).
    const yesterday = day(-1);
    const history = await start({
      symbol: 'BTCUSDT',
      time_range: `${yesterday}:${yesterday}`,
      requests: [
        { target: 'loader-producer', type: 'api_candles_1m', interval: '1m' },
        { target: 'loader-producer', type: 'api_trades' },
        { target: 'arango-connector', type: 'api_candles_1m' },
        { target: 'arango-connector', type: 'api_trades' },
        {
          target: 'graph-builder',
          type: 'gnn_graph',
          collection_inputs: ['btc_candles_1m_yesterday', 'btc_trades_yesterday'],
          collection_output: 'btc_graph_1m_yesterday',
        },
        { target: 'gnn-trainer', type: 'gnn_train', graph_collection: 'btc_graph_1m_yesterday' },
      ],
    });
    await waitFinished(url, history, 150_000);

    const today = day(0);
    const live = await start({
      symbol: 'BTCUSDT',
      time_range: `${today}:${today}`,
      requests: [
        { target: 'loader-producer', type: 'ws_candles_1m' },
        { target: 'loader-producer', type: 'ws_trades' },
        { target: 'arango-connector', type: 'ws_candles_1m' },
        { target: 'arango-connector', type: 'ws_trades' },
        {
          target: 'graph-builder',
          type: 'realtime_graph',
          collection_inputs: ['btc_ws_candles_1m_2024_08_01', 'btc_ws_trades_2024_08_01'],
          collection_output: RT_GRAPH,
        },
        {
          target: 'gnn-trainer',
          type: 'realtime_gnn_infer',
          graph_collection: RT_GRAPH,
          inference_interval: '2s',
        },
        { target: 'visualizer', type: 'graph_metrics_stream', source: RT_GRAPH },
      ],
    });
    const job = (view: QueueSeen, target: string) => view.jobs.find((j) => j.target === target)!;
    // The first graph: today's windows so far (backfilled from REST, then the stream).
    const first = await waitFor(
      'the first live graph and its first predictions',
      async () => {
        const view = await get(live);
        if (view.status === 'failed') assert.fail(JSON.stringify(view.jobs.map((j) => [j.target, j.error])));
        const nodes = job(view, 'graph-builder').records_written;
        const scored = job(view, 'gnn-trainer').records_written;
        return nodes > 0 && scored > 0 ? { nodes, scored } : undefined;
      },
      120_000,
    );
    // A window closes live (once a minute), the graph grows and the new window is scored.
    const grown = await waitFor(
      'a window to close live, join the graph and be scored',
      async () => {
        const view = await get(live);
        const nodes = job(view, 'graph-builder').records_written;
        const scored = job(view, 'gnn-trainer').records_written;
        return nodes > first.nodes && scored > first.scored ? { nodes, scored } : undefined;
      },
      120_000,
    );

    const stop = await fetch(`${url}/queues/${live}/stop`, { method: 'POST' });
    assert.equal(stop.status, 202);
    const stopped = await waitFor(
      'the live queue stopped',
      async () => {
        const view = await get(live);
        return view.status === 'stopped' ? view : undefined;
      },
      60_000,
    );
    for (const j of stopped.jobs) assert.equal(j.last_event.event, 'interrupted', `${j.target} ${j.type}`);

    assert.equal(await up.stop('SIGTERM'), 0);
    const store = await PGliteClient.open({ dataDir: dir });
    try {
      const graph = await readGraph(store, RT_GRAPH);
      assert.ok(graph.openTimes.length >= grown.nodes, `${graph.openTimes.length} nodes stored`);
      assert.equal(graph.interval, '1m');
      const { rows } = await store.query<{ n: number; distinct_times: number; newest: string }>(
        `select count(*)::int as n, count(distinct open_time)::int as distinct_times, max(open_time)::text as newest
           from "${RT_GRAPH}_predictions"`,
      );
      assert.ok(rows[0]!.n >= grown.scored, `${rows[0]!.n} predictions stored`);
      assert.equal(rows[0]!.n, rows[0]!.distinct_times, 'each window scored once');
      console.log(
        `# live: first graph ${first.nodes} nodes, ${first.scored} scored; after a live window ` +
          `${grown.nodes} nodes, ${grown.scored} scored; stored ${graph.openTimes.length} nodes, ${rows[0]!.n} predictions`,
      );
    } finally {
      await store.close();
    }
  });
});
