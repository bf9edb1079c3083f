// Seed 004's example 2, as both live end-to-end tests (embedded and distributed) drive it over the API:
// a 1m model trained first, then the live queue, until one window closes live and is scored; then stop.
import assert from 'node:assert/strict';
import type { SqlExecutor } from '../../src/store/index.ts';
import { readGraph } from '../../src/services/graph-builder/graph-store.ts';
import { waitFor } from '../support/wait.ts';
import { SEED_EXAMPLE_2 } from '../support/seed-examples.ts';
import { waitFinished, type QueueSeen } from './analytics-support.ts';

/** The live graph example 2 builds (its graph-builder's collection_output). */
export const RT_GRAPH = 'btc_graph_rt_2024_08_01';

const day = (offsetDays: number): string =>
  new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

export interface LiveRun {
  first: { nodes: number; scored: number };
  grown: { nodes: number; scored: number };
}

/** Runs example 2 against the manager at `url`: returns once the live queue stopped cleanly. */
export async function runExample2(url: string): Promise<LiveRun> {
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
  // The seed's example 2 for today, scored every 2 s instead of 5 m so a window closes live in the test.
  const live = await start({
    ...SEED_EXAMPLE_2,
    time_range: `${today}:${today}`,
    requests: SEED_EXAMPLE_2.requests.map((r) =>
      r.type === 'realtime_gnn_infer' ? { ...r, inference_interval: '2s' } : r,
    ),
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

  return { first, grown };
}

/** The live graph and its predictions, read back from the store after the stop. */
export async function assertLiveStored(
  sql: SqlExecutor,
  run: LiveRun,
): Promise<{ nodes: number; predictions: number }> {
  const graph = await readGraph(sql, RT_GRAPH);
  assert.ok(graph.openTimes.length >= run.grown.nodes, `${graph.openTimes.length} nodes stored`);
  assert.equal(graph.interval, '1m');
  const { rows } = await sql.query<{ n: number; distinct_times: number }>(
    `select count(*)::int as n, count(distinct open_time)::int as distinct_times from "${RT_GRAPH}_predictions"`,
  );
  assert.ok(rows[0]!.n >= run.grown.scored, `${rows[0]!.n} predictions stored`);
  assert.equal(rows[0]!.n, rows[0]!.distinct_times, 'each window scored once');
  return { nodes: graph.openTimes.length, predictions: rows[0]!.n };
}
