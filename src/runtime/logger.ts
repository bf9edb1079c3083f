import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** Service name, the `service` field of every line. */
  service: string;
  /** Default 'info'; --debug sets 'debug'. */
  level?: string;
  /** Fields on every line, e.g. queue_id and telemetry_id. */
  base?: Record<string, unknown>;
  /** Where lines go; default stdout. Tests pass a stream to read them. */
  destination?: NodeJS.WritableStream;
}

/** Paths that never reach a log line in clear. */
const REDACT = [
  'password',
  '*.password',
  '*.*.password',
  'sasl',
  '*.sasl',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'KAFKA_PASSWORD',
  'env.KAFKA_PASSWORD',
];

/**
 * One JSON object per line with an ISO time, the level as a word and a `msg`: what Fluent Bit and
 * Loki parse without configuration.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service, ...options.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    (options.destination ?? process.stdout) as never,
  );
}
