// The gnn_train job's work: read the graph, train with per-epoch progress (throttled `loading` events),
// save the model to `model_output` in one transaction, and finish with the test accuracy next to the
// baselines. Bad input fails before anything is written; a stop during training saves nothing.
import type { JobProgress } from '../../runtime/index.ts';
import type { SqlClient } from '../../store/index.ts';
import type { GraphData } from '../graph-builder/graph-data.ts';
import { saveModel } from './market/model-store.ts';
import { trainMarketModelAsync, type MarketTrainSettings } from './market/train-market.ts';
import { epochTelemetry, percent } from './progress.ts';

export interface GnnTrainOptions {
  readonly graphCollection: string;
  readonly modelOutput: string;
  readonly settings: MarketTrainSettings;
  /** Least time between two `loading` events (the last epoch is always reported). */
  readonly reportEveryMs: number;
}

export interface GnnTrainDeps {
  readonly sql: SqlClient;
  /** Reads a graph collection (graph-builder's graph-store). */
  readonly loadGraph: (collection: string) => Promise<GraphData>;
  /** Publishes a `loading` event. */
  readonly report: (progress: JobProgress) => Promise<void>;
  readonly signal: AbortSignal;
}

/** The `finished` event's fields: the scores a reader compares, besides the message. */
export interface GnnTrainOutcome extends JobProgress {
  model_output: string;
  model_id: number;
  graph_collection: string;
  test_accuracy: number;
  baseline_majority_accuracy: number;
  baseline_logistic_regression_accuracy: number;
  epochs_run: number;
}

export async function runGnnTrain(
  deps: GnnTrainDeps,
  options: GnnTrainOptions,
): Promise<GnnTrainOutcome | undefined> {
  const graph = await deps.loadGraph(options.graphCollection);
  let lastReport = -Infinity;
  // Reports go out in order, one after the other; the training loop does not wait for the bus.
  let reports: Promise<void> = Promise.resolve();
  const model = await trainMarketModelAsync(graph, options.settings, {
    signal: deps.signal,
    onEpoch: (progress) => {
      const now = performance.now();
      if (now - lastReport < options.reportEveryMs && progress.etaMs > 0) return;
      lastReport = now;
      const event = epochTelemetry(progress);
      reports = reports.then(() => deps.report(event));
    },
  });
  await reports;
  if (!model) return undefined;
  const id = await saveModel(deps.sql, options.modelOutput, model);
  const { test, baselines, epochsRun } = model.metrics;
  return {
    message:
      `model ${id} saved to ${options.modelOutput}: test accuracy ${percent(test.accuracy)} ` +
      `(majority class ${percent(baselines.majority.testAccuracy)}, ` +
      `logistic regression ${percent(baselines.logisticRegression.testAccuracy)}) on ${model.split.test.nodes} windows`,
    records_written: 1,
    model_output: options.modelOutput,
    model_id: id,
    graph_collection: graph.collection,
    test_accuracy: test.accuracy,
    baseline_majority_accuracy: baselines.majority.testAccuracy,
    baseline_logistic_regression_accuracy: baselines.logisticRegression.testAccuracy,
    epochs_run: epochsRun,
  };
}
