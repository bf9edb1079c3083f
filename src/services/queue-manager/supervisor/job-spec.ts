import type { ResolvedInput } from '../request/schema.ts';
import type { JobHandle, JobSpec } from '../../../launcher/index.ts';
import type { QueueManagerConfig } from '../config.ts';
import type { JobRow, QueueRow } from '../store/rows.ts';
import { TOPIC_WRITER } from '../views.ts';

/**
 * The loader a job drains: the job of its queue that writes its topic. A connector follows that loader's
 * end-of-stream markers only (its telemetry_id is stable across retries; each run's markers carry its attempt).
 */
export function upstreamWriterOf(
  job: Pick<JobRow, 'target' | 'topic' | 'telemetry_id'>,
  queueJobs: readonly Pick<JobRow, 'target' | 'topic' | 'telemetry_id'>[],
): string | undefined {
  if (job.target === TOPIC_WRITER) return undefined;
  return queueJobs.find((j) => j.target === TOPIC_WRITER && j.topic === job.topic && j !== job)?.telemetry_id;
}

/** The launcher's view of a job row: what to start. `queueJobs`: every job of its queue. */
export function specOf(
  job: JobRow,
  queue: Pick<QueueRow, 'symbol' | 'time_range'>,
  config: QueueManagerConfig,
  queueJobs: readonly JobRow[],
): JobSpec {
  return {
    upstreamProducer: upstreamWriterOf(job, queueJobs),
    queueId: job.queue_id,
    telemetryId: job.telemetry_id,
    target: job.target,
    type: job.type,
    symbol: queue.symbol,
    timeRange: queue.time_range,
    attempt: job.attempt,
    name: job.job_name,
    dataTopic: job.topic,
    collection: job.collection,
    controlTopic: config.controlTopic,
    eventsTopic: config.eventsTopic,
    params: withResolvedInputs(job.params, job.inputs),
  };
}

/**
 * The request's fields with each input name replaced by the collection it resolved to: the job reads
 * the real collections (COLLECTION_INPUTS=btcusdt_api_candles_5m_2024_06_01,…), the queue view shows
 * the names the request gave.
 */
export function withResolvedInputs(
  params: Readonly<Record<string, unknown>>,
  inputs: readonly ResolvedInput[],
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params };
  for (const field of new Set(inputs.map((i) => i.field))) {
    const collections = inputs.filter((i) => i.field === field).map((i) => i.resolved_collection);
    out[field] = Array.isArray(params[field]) ? collections : collections[0];
  }
  return out;
}

/** The launcher's view of a launched attempt: what to find or kill. */
export function handleOf(job: JobRow): JobHandle {
  return {
    telemetryId: job.telemetry_id,
    queueId: job.queue_id,
    attempt: job.attempt,
    name: job.job_name,
    ref: job.launcher_ref,
  };
}
