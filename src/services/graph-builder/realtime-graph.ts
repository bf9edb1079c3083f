import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus } from '../../bus/index.ts';
import {
  ErrorCodes,
  errorMessage,
  graphMetricsTopic,
  isStreamForgeError,
  type GraphMetricsMessage,
} from '../../protocol/index.ts';
import type { JobContext, JobProgress, JobWork } from '../../runtime/index.ts';
import { openStore, type SqlClient } from '../../store/index.ts';
import { GraphAccumulator } from './graph-accumulator.ts';
import { shapeRecord } from './graph-builder-work.ts';
import { writeGraph } from './graph-store.ts';
import { resolveInputs, type GraphInputs } from './inputs.ts';
import { computeMetrics, type GraphMetrics } from './metrics.ts';
import type { GraphBuilderOptions } from './options.ts';
import { readWindows } from './window-reader.ts';

/**
 * A graph that follows live collections: every extend() adds the windows that closed since the last
 * one (and settled: closed at least `closeGraceMs` ago, so their late trades are in), with the same
 * edges the batch job would give them. The graph only grows; a window is never revisited.
 */
export class RealtimeGraph {
  readonly #sql: SqlClient;
  readonly #options: GraphBuilderOptions;
  readonly #now: () => number;
  readonly #closeGraceMs: number;
  #inputs: GraphInputs | undefined;
  #graph: GraphAccumulator | undefined;
  #lastOpen: number | undefined;
  #publishedNodes = 0;

  constructor(
    sql: SqlClient,
    options: GraphBuilderOptions,
    now: () => number = Date.now,
    closeGraceMs = 5000,
  ) {
    this.#sql = sql;
    this.#options = options;
    this.#now = now;
    this.#closeGraceMs = closeGraceMs;
  }

  get nodeCount(): number {
    return this.#graph?.nodeCount ?? 0;
  }

  get edgeCount(): number {
    return this.#graph?.edgeCount ?? 0;
  }

  /** Windows added since the last publish(). */
  get pending(): number {
    return this.nodeCount - this.#publishedNodes;
  }

  /** Adds the windows closed since the last call; 0 while the input collections do not exist yet. */
  async extend(): Promise<number> {
    if (this.#inputs === undefined) {
      try {
        this.#inputs = await resolveInputs(this.#sql, this.#options.inputs);
      } catch (error) {
        // The connectors create their collections when they start; a live queue starts them together.
        if (
          isStreamForgeError(error) &&
          (error.code === ErrorCodes.NOT_FOUND || error.code === ErrorCodes.GRAPH_INPUT_TOO_SMALL)
        )
          return 0;
        throw error;
      }
      this.#graph = new GraphAccumulator(this.#options, this.#inputs.candles);
    }
    const graph = this.#graph!;
    const before = graph.nodeCount;
    for await (const windows of readWindows(this.#sql, this.#inputs, {
      after: this.#lastOpen,
      closedBefore: this.#now() - this.#closeGraceMs,
      chunk: this.#options.readChunk,
    })) {
      for (const window of windows) graph.add(window);
      this.#lastOpen = windows.at(-1)!.openTime;
    }
    return graph.nodeCount - before;
  }

  /** Computes the metrics, replaces the stored graph and returns the message to publish. */
  async store(identity: { queueId: string; telemetryId: string }): Promise<GraphMetricsMessage | undefined> {
    const graph = this.#graph;
    const inputs = this.#inputs;
    if (graph === undefined || inputs === undefined || graph.nodeCount === 0) return undefined;
    const data = graph.snapshot({
      collection: this.#options.output,
      symbol: inputs.symbol,
      interval: inputs.interval,
    });
    const metrics = computeMetrics(data, this.#options.seed);
    await writeGraph(this.#sql, this.#options.output, data, metrics, {
      inputs: this.#options.inputs,
      shape: shapeRecord(this.#options),
    });
    this.#publishedNodes = data.openTimes.length;
    return metricsMessage(identity, data.openTimes.length - 1, data, metrics);
  }
}

function metricsMessage(
  identity: { queueId: string; telemetryId: string },
  node: number,
  data: ReturnType<GraphAccumulator['snapshot']>,
  metrics: GraphMetrics,
): GraphMetricsMessage {
  const width = data.featureNames.length;
  return {
    kind: 'graph_metrics',
    queue_id: identity.queueId,
    telemetry_id: identity.telemetryId,
    collection: data.collection,
    symbol: data.symbol,
    interval: data.interval,
    sent_at: Date.now() / 1000,
    summary: metrics.summary,
    latest: {
      node,
      open_time: data.openTimes[node]!,
      close: data.close[node]!,
      features: Object.fromEntries(
        data.featureNames.map((name, f) => [name, data.features[node * width + f]!]),
      ),
      degree: metrics.degree[node]!,
      pagerank: metrics.pagerank[node]!,
      community: metrics.community[node]!,
    },
  };
}

export interface RealtimeGraphDeps {
  sql?: SqlClient;
  /** The clock that decides which windows have closed (tests replay old data). */
  now?: () => number;
  /** How long after its close a window is taken; default 5000 ms. */
  closeGraceMs?: number;
}

async function publish(bus: Bus, topic: string, message: GraphMetricsMessage): Promise<void> {
  await bus.produce([{ topic, key: message.queue_id, value: JSON.stringify(message) }]);
}

/**
 * realtime_graph: polls the live collections every GRAPH_POLL_SECONDS, extends the graph as windows
 * close, and at most every GRAPH_METRICS_SECONDS (when it grew) stores it and publishes its metrics on
 * the metrics topic. Runs until stopped; on a stop it stores and publishes what it has not yet.
 */
export function createRealtimeGraphWork(options: GraphBuilderOptions, deps: RealtimeGraphDeps = {}): JobWork {
  return async (ctx: JobContext): Promise<JobProgress> => {
    const sql = deps.sql ?? (await openStore(options));
    ctx.addReadinessCheck('database', () => sql.ping());
    const now = deps.now ?? Date.now;
    const topic = options.metricsTopic ?? graphMetricsTopic(ctx.config.queueId);
    const identity = { queueId: ctx.config.queueId, telemetryId: ctx.config.telemetryId };
    const live = new RealtimeGraph(sql, options, now, deps.closeGraceMs);
    let published = 0;
    let lastPublish = Number.NEGATIVE_INFINITY;
    const flush = async (): Promise<void> => {
      const message = await live.store(identity);
      if (message === undefined) return;
      await publish(ctx.bus, topic, message);
      published += 1;
      lastPublish = now();
      const s = message.summary;
      await ctx.report({
        records_written: s.nodes,
        message: `graph ${options.output}: ${s.nodes} nodes, ${s.edges} edges, ${s.louvain.communities} communities; metrics #${published} on ${topic}`,
      });
    };
    try {
      await ctx.bus.createTopics([{ name: topic }]);
      ctx.logger.info({ inputs: options.inputs, output: options.output, topic }, 'realtime graph following');
      while (!ctx.signal.aborted) {
        await live.extend();
        if (live.pending > 0 && now() - lastPublish >= options.metricsIntervalMs) await flush();
        await sleep(options.pollIntervalMs, undefined, { signal: ctx.signal }).catch(() => undefined);
      }
      if (live.pending > 0) {
        await flush().catch((error: unknown) =>
          ctx.logger.warn({ err: errorMessage(error) }, 'could not store the graph on stop'),
        );
      }
      return {
        records_written: live.nodeCount,
        message: `stopped; graph ${options.output} has ${live.nodeCount} nodes and ${live.edgeCount} edges, ${published} metrics messages on ${topic}`,
      };
    } finally {
      if (!deps.sql) await sql.close();
    }
  };
}
