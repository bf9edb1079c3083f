import type { JobSpec } from './types.ts';

/**
 * The environment a job reads (seed 000, section 2; DESIGN "Wire protocol"), the same for every
 * launcher. The other fields of the request become UPPER_SNAKE variables (`collection_inputs` →
 * COLLECTION_INPUTS, arrays comma-joined, objects as JSON). Connection settings (KAFKA_*, DATABASE_URL)
 * are not here: each launcher adds them its own way (process env, a ConfigMap and a Secret).
 */
export function jobEnvironment(spec: JobSpec): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.params)) {
    if (value === undefined || value === null) continue;
    env[key.replaceAll(/[^A-Za-z0-9]+/g, '_').toUpperCase()] = envValue(value);
  }
  // The job's identity comes last so a request field can never override it.
  return Object.assign(env, {
    QUEUE_ID: spec.queueId,
    TELEMETRY_PRODUCER_ID: spec.telemetryId,
    TARGET: spec.target,
    SYMBOL: spec.symbol,
    TYPE: spec.type,
    TIME_RANGE: spec.timeRange,
    KAFKA_TOPIC: spec.dataTopic,
    COLLECTION_NAME: spec.collection,
    QUEUE_CONTROL_TOPIC: spec.controlTopic,
    QUEUE_EVENTS_TOPIC: spec.eventsTopic,
    JOB_ATTEMPT: String(spec.attempt),
    // A connector ends on this loader's end-of-stream markers only, never on another run's.
    ...(spec.upstreamProducer === undefined ? {} : { UPSTREAM_PRODUCER: spec.upstreamProducer }),
  });
}

function envValue(value: unknown): string {
  if (Array.isArray(value))
    return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(',');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
