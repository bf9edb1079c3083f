// The settings every consumer-based service (consumer-service, geobot-logger) reads the same way from its
// environment: the brokers with a default, and the Go-style metrics endpoint. One reader keeps their
// defaults, forms and error messages in step.
import type { KafkaConnectionOptions } from '../bus/kafka/options.ts';
import { ErrorCodes, StreamForgeError } from '../protocol/index.ts';
import { readBoolean, readString, type Env } from '../runtime/config/env.ts';
import { readKafkaConfig } from '../runtime/config/kafka-config.ts';
import type { Registry } from 'prom-client';
import type { Health } from '../runtime/http/health.ts';
import { ServiceHttpServer } from '../runtime/http/service-http-server.ts';
import type { Logger } from '../runtime/logger.ts';

export interface MetricsEndpoint {
  /** METRICS_ENABLED, default true: serve /metrics and /health/*. */
  readonly enabled: boolean;
  /** From METRICS_PORT (":9091", "9091" or "127.0.0.1:9091"); default all interfaces. */
  readonly host: string;
  /** METRICS_PORT. */
  readonly port: number;
  /** METRICS_PATH. */
  readonly path: string;
}

/** KAFKA_BOOTSTRAP_SERVERS or KAFKA_BROKER_LIST, else `defaultBrokers`; KAFKA_USER… as readKafkaConfig. */
export function readServiceKafka(env: Env, clientId: string, defaultBrokers: string): KafkaConnectionOptions {
  const hasBrokers = readString(env, 'KAFKA_BOOTSTRAP_SERVERS') ?? readString(env, 'KAFKA_BROKER_LIST');
  return readKafkaConfig(hasBrokers ? env : { ...env, KAFKA_BROKER_LIST: defaultBrokers }, clientId)!;
}

/** METRICS_ENABLED, METRICS_PORT (Go's listen forms, default `defaults.port`) and METRICS_PATH. */
export function readMetricsEndpoint(env: Env, defaults: { port: string; path: string }): MetricsEndpoint {
  const path = readString(env, 'METRICS_PATH', defaults.path);
  if (!path.startsWith('/')) throw invalidSetting('METRICS_PATH', path, 'a path such as /metrics');
  const enabled = readBoolean(env, 'METRICS_ENABLED', true);
  const listen = readString(env, 'METRICS_PORT', defaults.port);
  const match = /^(?:(.*):)?(\d{1,5})$/.exec(listen);
  const port = Number(match?.[2]);
  if (!match || port > 65535) {
    const example = `:${defaults.port.replace(/^.*:/, '')}`;
    throw invalidSetting('METRICS_PORT', listen, `a port such as ${example} or ${example.slice(1)}`);
  }
  return Object.freeze({ enabled, host: match[1] || '0.0.0.0', port, path });
}

/** SF_INVALID_CONFIG naming the variable, its value and what it should look like. */
export function invalidSetting(name: string, value: string, expected: string): StreamForgeError {
  return new StreamForgeError(
    ErrorCodes.INVALID_CONFIG,
    `${name}="${value}" is invalid: expected ${expected}`,
  );
}

/**
 * Serves /metrics and /health/* on `endpoint` when it is enabled (both services do it the same way at
 * start); resolves to the server and its port, or undefined when metrics are off.
 */
export async function serveMetrics(
  endpoint: MetricsEndpoint,
  registry: Registry,
  health: Health,
  logger: Logger,
): Promise<{ server: ServiceHttpServer; port: number } | undefined> {
  if (!endpoint.enabled) return undefined;
  const server = new ServiceHttpServer({
    registry,
    health,
    port: endpoint.port,
    host: endpoint.host,
    metricsPath: endpoint.path,
    logger,
  });
  const port = await server.listen();
  logger.info({ port }, `metrics on http://localhost:${port}${endpoint.path}`);
  return { server, port };
}
