import type { JobHandle, JobSpec } from '../../../launcher/index.ts';
import type { QueueManagerConfig } from '../config.ts';
import type { JobRow, QueueRow } from '../store/rows.ts';

/** The launcher's view of a job row: what to start. */
export function specOf(
  job: JobRow,
  queue: Pick<QueueRow, 'symbol' | 'time_range'>,
  config: QueueManagerConfig,
): JobSpec {
  return {
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
    params: job.params,
  };
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
