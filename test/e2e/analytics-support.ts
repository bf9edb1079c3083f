// Shared by the seed 004 example 1 end-to-end tests (embedded and distributed): what a finished queue must
// show, and what must be in the store afterwards.
import assert from 'node:assert/strict';
import type { SqlExecutor } from '../../src/store/index.ts';
import { readGraph, readGraphSummary } from '../../src/services/graph-builder/graph-store.ts';
import { loadLatestModel } from '../../src/services/gnn-trainer/market/model-store.ts';
import { waitFor } from '../support/wait.ts';
import { SEED_EXAMPLE_1 } from '../support/seed-examples.ts';

/**
 * The range the tests load: the seed's month with E2E_FULL_MONTH=1 (about 80 s for the queue through
 * `up` on two busy cores), else its first week (2,016 windows), so the suite stays short.
 */
export const FULL_MONTH = process.env.E2E_FULL_MONTH === '1';
export const RANGE = FULL_MONTH
  ? { text: '2024-06-01:2024-06-30', days: 30 }
  : { text: '2024-06-01:2024-06-07', days: 7 };

/** Seed 004, example 1 (examples/seed-004-example-1.json, the seed's payload), for RANGE. */
export const EXAMPLE_1 = { ...SEED_EXAMPLE_1, time_range: RANGE.text };

/** 5m candle windows in RANGE. */
export const WINDOWS = RANGE.days * 288;

/** The trades the peer serves for RANGE. */
export function rangeTrades(market: { aggTrades(s: string, from: number, to: number): unknown[] }): number {
  return market.aggTrades('BTCUSDT', Date.UTC(2024, 5, 1), Date.UTC(2024, 5, 1 + RANGE.days) - 1).length;
}

export interface JobSeen {
  target: string;
  type: string;
  status: string;
  records_written: number;
  collection: string;
  launched_at: string;
  finished_at: string;
  error: unknown;
  last_event: Record<string, unknown>;
}

export interface QueueSeen {
  queue_id: string;
  status: string;
  jobs: JobSeen[];
}

/** Polls GET /queues/{id} until the queue finished; fails at once, with every job's error, if it failed. */
export function waitFinished(url: string, queueId: string, timeoutMs: number): Promise<QueueSeen> {
  return waitFor(
    `queue ${queueId} to finish`,
    async () => {
      const view = (await (await fetch(`${url}/queues/${queueId}`)).json()) as QueueSeen;
      if (view.status === 'failed' || view.status === 'stopped')
        assert.fail(
          `queue ${view.status}: ${JSON.stringify(view.jobs.map((j) => [j.target, j.status, j.error]))}`,
        );
      return view.status === 'finished' ? view : undefined;
    },
    timeoutMs,
  );
}

/** The finished queue: every job finished, each stage after the one it waits for, the scores reported. */
export function assertExample1Finished(view: QueueSeen, tradeCount: number): JobSeen {
  for (const job of view.jobs) assert.equal(job.status, 'finished', `${job.target} ${job.type}`);
  const job = (target: string, type: string): JobSeen =>
    view.jobs.find((j) => j.target === target && j.type === type)!;
  assert.equal(job('arango-connector', 'api_candles_5m').records_written, WINDOWS);
  assert.equal(job('arango-connector', 'api_trades').records_written, tradeCount);
  const graph = job('graph-builder', 'gnn_graph');
  const trainer = job('gnn-trainer', 'gnn_train');
  assert.equal(graph.collection, 'btc_graph_2024_06');
  assert.equal(graph.records_written, WINDOWS, 'a node per 5m window');
  for (const connector of view.jobs.filter((j) => j.target === 'arango-connector'))
    assert.ok(Date.parse(graph.launched_at) >= Date.parse(connector.finished_at), 'graph after the data');
  assert.ok(Date.parse(trainer.launched_at) >= Date.parse(graph.finished_at), 'training after the graph');
  // The final telemetry of the trainer carries the scores next to the baselines on the same split.
  const last = trainer.last_event;
  assert.equal(last.event, 'finished');
  for (const field of [
    'test_accuracy',
    'baseline_majority_accuracy',
    'baseline_logistic_regression_accuracy',
  ]) {
    const value = last[field];
    assert.ok(typeof value === 'number' && value >= 0 && value <= 1, `${field} = ${String(value)}`);
  }
  assert.equal(last.model_output, 'gnn_model_btc_2024_06');
  assert.equal(last.graph_collection, 'btc_graph_2024_06');
  return trainer;
}

/** The graph and the model, read back from the store the jobs wrote. */
export async function assertStored(
  sql: SqlExecutor,
  trainer: JobSeen,
): Promise<{ nodes: number; edges: number; testAccuracy: number }> {
  const graph = await readGraph(sql, 'btc_graph_2024_06');
  assert.equal(graph.openTimes.length, WINDOWS);
  assert.equal(graph.openTimes[0], Date.UTC(2024, 5, 1));
  assert.equal(graph.symbol, 'BTCUSDT');
  assert.equal(graph.interval, '5m');
  const { summary } = await readGraphSummary(sql, 'btc_graph_2024_06');
  assert.equal(summary.nodes, WINDOWS);
  assert.ok(summary.edges >= WINDOWS - 1, 'at least the edges in time');
  const model = await loadLatestModel(sql, 'gnn_model_btc_2024_06', 'btc_graph_2024_06');
  assert.deepEqual(model.featureNames, graph.featureNames, 'the model reads the features of the graph');
  assert.equal(model.metrics.test.accuracy, trainer.last_event.test_accuracy);
  return { nodes: summary.nodes, edges: summary.edges, testAccuracy: model.metrics.test.accuracy };
}
