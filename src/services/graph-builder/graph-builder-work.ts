import { errorMessage } from '../../protocol/index.ts';
import type { JobContext, JobProgress, JobWork } from '../../runtime/index.ts';
import { openStore, type SqlClient } from '../../store/index.ts';
import { buildGraph, type BuildProgress } from './build-graph.ts';
import { writeGraph } from './graph-store.ts';
import type { GraphBuilderOptions, GraphShape } from './options.ts';

export interface GraphBuilderDeps {
  /** A store to share (embedded mode); default: opened from the options, closed at the end. */
  sql?: SqlClient;
}

export function shapeRecord(shape: GraphShape): Record<string, number> {
  const { k, lookback, volatilityWindow, minWindows, seed } = shape;
  return { k, lookback, volatility_window: volatilityWindow, min_windows: minWindows, seed };
}

/**
 * gnn_graph: builds the graph of `collection_inputs` and stores it as `collection_output`, reporting
 * windows read and edges built as `loading` events. Nothing is written unless the whole graph was built.
 */
export function createGraphBuilderWork(options: GraphBuilderOptions, deps: GraphBuilderDeps = {}): JobWork {
  return async (ctx: JobContext): Promise<JobProgress> => {
    const sql = deps.sql ?? (await openStore(options));
    ctx.addReadinessCheck('database', () => sql.ping());
    try {
      let latest: BuildProgress = { phase: 'reading', windowsRead: 0, edgesBuilt: 0 };
      const describe = (p: BuildProgress): JobProgress => ({
        records_written: p.windowsRead,
        message:
          p.phase === 'reading'
            ? `${p.windowsRead} windows read, ${p.edgesBuilt} edges built`
            : `computing metrics of ${p.windowsRead} nodes and ${p.edgesBuilt} edges`,
      });
      const ticker = setInterval(() => {
        ctx
          .report(describe(latest))
          .catch((error: unknown) =>
            ctx.logger.warn({ err: errorMessage(error) }, 'could not publish loading'),
          );
      }, options.loadingIntervalMs);
      let built;
      try {
        built = await buildGraph(sql, {
          inputs: options.inputs,
          output: options.output,
          shape: options,
          readChunk: options.readChunk,
          signal: ctx.signal,
          onProgress: (p) => {
            latest = p;
          },
        });
      } finally {
        clearInterval(ticker);
      }
      await ctx.report({ ...describe(latest), message: `writing ${options.output}` });
      await writeGraph(sql, options.output, built.graph, built.metrics, {
        inputs: options.inputs,
        shape: shapeRecord(options),
      });
      const s = built.metrics.summary;
      return {
        records_written: s.nodes,
        records_total: s.nodes,
        message:
          `graph ${options.output}: ${s.nodes} nodes, ${s.edges} edges, density ${s.density.toPrecision(3)}, ` +
          `${s.components.count} components, ${s.louvain.communities} communities (modularity ${s.louvain.modularity.toFixed(3)})`,
      };
    } finally {
      if (!deps.sql) await sql.close();
    }
  };
}
