export { GeobotLoggerService, type GeobotLoggerInit } from './service.ts';
export {
  readGeobotLoggerConfig,
  GEOBOT_LOGGER_DEFAULTS,
  type GeobotLoggerConfig,
  type LoggerSinkConfig,
} from './config.ts';
export { logHandler, LOG_EVENT_TYPE } from './handler.ts';
export { logDocument, documentId, type LogDocument } from './log-document.ts';
export type { LogSink, RefusedDocument } from './sinks/log-sink.ts';
export {
  ElasticsearchSink,
  LOG_INDEX_MAPPINGS,
  type ElasticsearchSinkOptions,
} from './sinks/elasticsearch-sink.ts';
export { PostgresLogSink, logTableMigrations, type LogRow } from './sinks/postgres-log-sink.ts';
export { runGeobotLogger } from './run.ts';
export { embeddedGeobotLogger, type EmbeddedGeobotLoggerInit } from './embedded.ts';
