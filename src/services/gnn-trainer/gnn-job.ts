// One gnn-trainer job: its store, its graph reader, and gnn_train or realtime_gnn_infer on top.
import type { JobProgress, JobWork } from '../../runtime/index.ts';
import { openStore, type SqlClient } from '../../store/index.ts';
import type { WorkerRuntime } from '../../launcher/job-definition.ts';
import type { GraphData } from '../graph-builder/graph-data.ts';
import { runGnnTrain } from './gnn-train-work.ts';
import type { GnnTrainerOptions } from './options.ts';
import { runRealtimeInfer } from './realtime-infer-work.ts';

/** Reads a graph collection from the store (graph-builder's graph-store.ts provides it). */
export type GraphReader = (sql: SqlClient, collection: string) => Promise<GraphData>;

export function createGnnTrainerWork(
  options: GnnTrainerOptions,
  runtime: WorkerRuntime,
  readGraph: GraphReader,
): JobWork {
  return async (ctx): Promise<JobProgress | void> => {
    // In-process jobs of `streamforge up` share the embedded store (one PGlite owner per directory).
    const shared = runtime.store && !options.databaseUrl ? runtime.store : undefined;
    const sql = shared ?? (await openStore({ databaseUrl: options.databaseUrl, dataDir: options.dataDir }));
    try {
      ctx.addReadinessCheck('store', () => sql.ping());
      const loadGraph = (collection: string): Promise<GraphData> => readGraph(sql, collection);
      const report = (progress: JobProgress): Promise<void> => ctx.report(progress);
      if (options.type === 'gnn_train') {
        return await runGnnTrain(
          { sql, loadGraph, report, signal: ctx.signal },
          {
            graphCollection: options.graphCollection,
            modelOutput: options.modelOutput ?? `${options.graphCollection}_gcn_model`,
            settings: options.settings,
            reportEveryMs: options.reportEveryMs,
          },
        );
      }
      await ctx.bus.createTopics([{ name: options.topic }]);
      return await runRealtimeInfer(
        {
          sql,
          loadGraph,
          report,
          signal: ctx.signal,
          publish: (predictions) =>
            ctx.bus.produce(
              predictions.map((p) => ({
                topic: options.topic,
                key: p.graph_collection,
                value: JSON.stringify(p),
              })),
            ),
        },
        {
          graphCollection: options.graphCollection,
          modelOutput: options.modelOutput,
          predictionsCollection: options.predictionsCollection,
          intervalMs: options.inferenceIntervalMs,
          maxNodesPerTick: options.maxNodesPerTick,
        },
      );
    } finally {
      if (!shared) await sql.close();
    }
  };
}
