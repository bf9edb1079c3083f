import type { Registry } from 'prom-client';
import type { Bus } from '../../bus/index.ts';
import { resolveConsumerOptions, type ConsumerOptions } from '../../consumer/index.ts';
import type { Logger } from '../../runtime/index.ts';
import type { SqlClient } from '../../store/index.ts';
import { GEOBOT_LOGGER_DEFAULTS as D, type GeobotLoggerConfig } from './config.ts';
import { GeobotLoggerService } from './service.ts';
import { PostgresLogSink } from './sinks/postgres-log-sink.ts';

export interface EmbeddedGeobotLoggerInit {
  /** The process's bus (the memory bus in `streamforge up`). */
  bus: Bus;
  /** The process's database (PGlite when embedded): the log table goes there. */
  sql: SqlClient;
  logger?: Logger;
  /** Where the consumer_* metrics go (the process's registry); default one of its own. */
  registry?: Registry;
  /** Overrides of the consumer options (topic info_in, group geobot-logger by default). */
  consumer?: ConsumerOptions;
  /** Table and schema of the log, default public.geobot_log. */
  schema?: string;
  table?: string;
}

/**
 * The logger for one process that runs everything (the embedded mode): the given bus and database, a
 * PostgreSQL log table instead of Elasticsearch, no HTTP server of its own (the host process serves
 * metrics and health). `service.sink` (a PostgresLogSink) answers searches.
 */
export function embeddedGeobotLogger(init: EmbeddedGeobotLoggerInit): {
  service: GeobotLoggerService;
  sink: PostgresLogSink;
} {
  const schema = init.schema ?? D.schema;
  const table = init.table ?? D.table;
  const config: GeobotLoggerConfig = Object.freeze({
    name: D.name,
    logLevel: 'info',
    kafka: { bootstrapServers: [], clientId: D.name },
    consumer: resolveConsumerOptions({ topic: D.topic, groupId: D.groupId, ...init.consumer }),
    metrics: Object.freeze({ enabled: false, host: '127.0.0.1', port: 0, path: D.metricsPath }),
    sink: Object.freeze({ kind: 'postgres' as const, url: 'embedded', schema, table }),
  });
  const sink = new PostgresLogSink(init.sql, { schema, table });
  const service = new GeobotLoggerService({
    config,
    bus: init.bus,
    sink,
    logger: init.logger,
    registry: init.registry,
  });
  return { service, sink };
}
