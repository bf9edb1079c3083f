/**
 * What a launcher needs to start one attempt of one job. The queue manager fills it from the queue's
 * plan; the launcher turns it into an in-process task, a child process or a Kubernetes Job.
 */
export interface JobSpec {
  readonly queueId: string;
  /** `{target}__{6 × [a-z0-9]}`, stable across attempts. */
  readonly telemetryId: string;
  /** loader-producer, arango-connector, graph-builder, gnn-trainer, visualizer. */
  readonly target: string;
  readonly type: string;
  readonly symbol: string;
  /** `YYYY-MM-DD:YYYY-MM-DD`, both ends inclusive. */
  readonly timeRange: string;
  /** 1 for the first launch, +1 per retry. */
  readonly attempt: number;
  /** Kubernetes Job name (DNS-1123, ≤ 63), unique per attempt; also names process logs. */
  readonly name: string;
  /** The per-queue data topic this job writes or reads (KAFKA_TOPIC). */
  readonly dataTopic: string;
  /** The collection (dataset) the job writes, or reads when it writes none (COLLECTION_NAME). */
  readonly collection: string;
  readonly controlTopic: string;
  readonly eventsTopic: string;
  /** The other fields of the request (interval, collection_inputs, …), passed on as environment. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The telemetry_id of the loader writing the topic this job drains (UPSTREAM_PRODUCER), if any. */
  readonly upstreamProducer?: string | undefined;
}

/** A launched attempt, as the database remembers it: enough to find it again after a restart. */
export interface JobHandle {
  readonly telemetryId: string;
  readonly queueId: string;
  readonly attempt: number;
  readonly name: string;
  /** What the launcher returned from launch(): an in-process key, a pid, a Job name. */
  readonly ref: string | null;
}

export interface LaunchResult {
  ref: string;
  /** True when the job already existed (a launch repeated after a crash) and was taken over. */
  adopted: boolean;
}

/** What a launcher can tell about a job it launched, when asked (reconcile after a restart). */
export type JobObservation =
  | { state: 'running' }
  | { state: 'succeeded' }
  | { state: 'failed'; reason: string }
  /** No trace: never launched, already cleaned up (Kubernetes TTL), or gone with a previous process. */
  | { state: 'absent' };

/** A launched attempt ended, as the launcher saw it (exit code, Kubernetes condition). */
export interface JobExit {
  telemetryId: string;
  attempt: number;
  /** 0 on success; null when unknown (an adopted process that vanished). */
  exitCode: number | null;
  reason: string;
}

/**
 * Starts and kills jobs. Stopping gracefully is not a launcher's business: the manager sends `stop` on
 * queue-control and the job ends itself. `terminate` is the hard way, for jobs that must end now.
 */
export interface JobLauncher {
  readonly kind: 'inline' | 'process' | 'kubernetes';
  /**
   * Whether launching the same attempt twice is harmless (the second call adopts the first job), so
   * an attempt whose launch was interrupted by a crash may be launched again on restart.
   */
  readonly idempotent: boolean;
  launch(spec: JobSpec): Promise<LaunchResult>;
  /** Ends the attempt now. A job that is already gone is not an error. */
  terminate(job: JobHandle): Promise<void>;
  /** Looks the attempts up; every handle gets an answer. Also starts watching the running ones. */
  inspect(jobs: readonly JobHandle[]): Promise<Map<string, JobObservation>>;
  /** Called once per attempt that ends, whichever way. */
  onExit(listener: (exit: JobExit) => void): void;
  /** Stops watching. In-process jobs are stopped (they cannot outlive the process); others keep running. */
  close(): Promise<void>;
}
