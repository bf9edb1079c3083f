import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import { readInteger, readString, type Env } from '../../runtime/index.ts';

/** What a visualizer job follows and publishes. Read once from the environment, frozen. */
export interface VisualizerOptions {
  /** SOURCE (the request's `source`, resolved by the manager to the queue's graph-builder output). */
  readonly source: string;
  /** DATABASE_URL: PostgreSQL; without it PGlite in dataDir. */
  readonly databaseUrl: string | undefined;
  /** STREAMFORGE_DATA_DIR for PGlite. */
  readonly dataDir: string | undefined;
  /** VISUALIZER_POLL_SECONDS: how often the stored graph is looked at; default 5. */
  readonly pollIntervalMs: number;
  /** VISUALIZER_NEWEST: newest windows in each message; default 20. */
  readonly newest: number;
  /** VISUALIZER_TOP: top PageRank windows in each message; default 10 (at most what graph-builder kept). */
  readonly top: number;
  /** KAFKA_TOPIC (the launcher sets it to the queue's data topic of this type): default `{queue_id}.graph_metrics_stream`. */
  readonly topic: string | undefined;
}

export function readVisualizerOptions(env: Env): VisualizerOptions {
  const source = readString(env, 'SOURCE');
  if (source === undefined) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      'SOURCE is not set: the graph collection the visualizer follows (the request field `source`)',
    );
  }
  const rawPoll = readString(env, 'VISUALIZER_POLL_SECONDS');
  const poll = rawPoll === undefined ? 5 : Number(rawPoll);
  if (!Number.isFinite(poll) || poll < 0.05) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `VISUALIZER_POLL_SECONDS="${rawPoll}" is invalid: expected seconds ≥ 0.05`,
    );
  }
  return Object.freeze({
    source,
    databaseUrl: readString(env, 'DATABASE_URL'),
    dataDir: readString(env, 'STREAMFORGE_DATA_DIR'),
    pollIntervalMs: poll * 1000,
    newest: readInteger(env, 'VISUALIZER_NEWEST', 20, 1),
    top: readInteger(env, 'VISUALIZER_TOP', 10, 1),
    topic: readString(env, 'KAFKA_TOPIC'),
  });
}
