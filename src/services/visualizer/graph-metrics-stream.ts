import { setTimeout as sleep } from 'node:timers/promises';
import {
  ErrorCodes,
  isStreamForgeError,
  visualizerMetricsTopic,
  type VisualizerMetricsMessage,
} from '../../protocol/index.ts';
import type { JobContext, JobProgress, JobWork } from '../../runtime/index.ts';
import { openStore, type SqlClient, type SqlExecutor } from '../../store/index.ts';
import { quoteIdent } from '../connector/sinks/postgres-sql.ts';
import { graphTables, readGraphSummary } from '../graph-builder/graph-store.ts';
import type { VisualizerOptions } from './options.ts';

type Window = VisualizerMetricsMessage['newest'][number];

/** The newest `limit` windows of a stored graph, oldest first, with the metrics graph-builder stored per node. */
async function newestWindows(sql: SqlExecutor, source: string, limit: number): Promise<Window[]> {
  const { rows } = await sql.query<Record<keyof Window, number | string>>(
    `select node, (extract(epoch from open_time) * 1000)::float8 as open_time, close, degree, pagerank, community
     from ${quoteIdent(graphTables(source).nodes)} order by node desc limit $1`,
    [limit],
  );
  return rows.reverse().map((r) => ({
    node: Number(r.node),
    open_time: Number(r.open_time),
    close: Number(r.close),
    degree: Number(r.degree),
    pagerank: Number(r.pagerank),
    community: Number(r.community),
  }));
}

/**
 * One look at the stored graph: its compact metrics, or undefined while graph-builder has not written it
 * (a realtime_graph of the same queue stores its first graph only once windows have closed).
 */
export async function readVisualizerMetrics(
  sql: SqlExecutor,
  options: VisualizerOptions,
  identity: { queueId: string; telemetryId: string },
): Promise<VisualizerMetricsMessage | undefined> {
  let meta: Awaited<ReturnType<typeof readGraphSummary>>;
  try {
    meta = await readGraphSummary(sql, options.source);
  } catch (error) {
    if (isStreamForgeError(error) && error.code === ErrorCodes.NOT_FOUND) return undefined;
    throw error;
  }
  const s = meta.summary;
  return {
    kind: 'graph_metrics_stream',
    queue_id: identity.queueId,
    telemetry_id: identity.telemetryId,
    source: options.source,
    symbol: meta.symbol,
    interval: meta.interval,
    sent_at: Date.now() / 1000,
    nodes: s.nodes,
    edges: s.edges,
    density: s.density,
    components: { count: s.components.count, largest: s.components.largest },
    communities: {
      count: s.louvain.communities,
      modularity: s.louvain.modularity,
      largest: s.louvain.largest.slice(0, 10),
    },
    first_open_time: s.first_open_time,
    last_open_time: s.last_open_time,
    pagerank_top: s.pagerank.top.slice(0, options.top),
    newest: await newestWindows(sql, options.source, options.newest),
  };
}

/** What makes a new message worth sending: the graph grew or was rebuilt differently. */
const versionOf = (m: VisualizerMetricsMessage): string =>
  JSON.stringify([m.nodes, m.edges, m.last_open_time, m.communities.modularity, m.newest.at(-1)]);

export interface VisualizerDeps {
  /** The store to read (the embedded one under `up`); opened from the options otherwise. */
  sql?: SqlClient;
}

/**
 * graph_metrics_stream: every VISUALIZER_POLL_SECONDS reads the stored graph `source` (graph-builder's
 * gnn_graph, or the graph a realtime_graph stores each time it publishes its metrics) and, when it
 * changed, publishes a compact message on the topic and a `loading` event. Runs until stopped.
 */
export function createVisualizerWork(options: VisualizerOptions, deps: VisualizerDeps = {}): JobWork {
  return async (ctx: JobContext): Promise<JobProgress> => {
    const sql = deps.sql ?? (await openStore(options));
    ctx.addReadinessCheck('database', () => sql.ping());
    const topic = options.topic ?? visualizerMetricsTopic(ctx.config.queueId);
    const identity = { queueId: ctx.config.queueId, telemetryId: ctx.config.telemetryId };
    let published = 0;
    let lastVersion: string | undefined;
    let last: VisualizerMetricsMessage | undefined;
    let waitingSaid = false;
    try {
      await ctx.bus.createTopics([{ name: topic }]);
      ctx.logger.info({ source: options.source, topic }, 'visualizer following');
      while (!ctx.signal.aborted) {
        const message = await readVisualizerMetrics(sql, options, identity);
        if (message === undefined && !waitingSaid) {
          waitingSaid = true;
          await ctx.report({ records_written: 0, message: `waiting for graph ${options.source}` });
        }
        if (message !== undefined && versionOf(message) !== lastVersion) {
          await ctx.bus.produce([{ topic, key: identity.queueId, value: JSON.stringify(message) }]);
          published += 1;
          lastVersion = versionOf(message);
          last = message;
          // The same metrics ride on the `loading` event: the manager stores and streams telemetry, so the
          // dashboard's graph page shows them live from the queue's event stream (docs/dashboard.md).
          await ctx.report({
            records_written: message.nodes,
            message: `graph ${options.source}: ${message.nodes} nodes, ${message.edges} edges, density ${message.density.toPrecision(3)}, ${message.components.count} components, ${message.communities.count} communities; metrics #${published} on ${topic}`,
            graph_metrics: message,
          } as JobProgress);
        }
        await sleep(options.pollIntervalMs, undefined, { signal: ctx.signal }).catch(() => undefined);
      }
      return {
        records_written: last?.nodes ?? 0,
        message: `stopped; ${published} metrics messages of graph ${options.source} on ${topic}`,
      };
    } finally {
      if (!deps.sql) await sql.close();
    }
  };
}
