import { MARKET_DATA_TYPES, QUEUE_CANDLE_INTERVALS } from '../../protocol/index.ts';
import { defineJob } from '../../launcher/job-definition.ts';
import { readLoaderOptions } from './options.ts';

/** loader-producer serves /metrics on 8001 unless METRICS_PORT says otherwise. */
export const LOADER_HTTP_PORT = 8001;
export const LOADER_TARGET = 'loader-producer';

/** loader-producer (`streamforge loader`): market data from a source into the queue's data topic. */
export const loaderDefinition = defineJob({
  target: LOADER_TARGET,
  service: LOADER_TARGET,
  summary: 'loads market data (Binance REST/WebSocket, archive files, synthetic) into the data topic',
  types: MARKET_DATA_TYPES,
  fields: {},
  inputs: [],
  // It writes a topic, not a collection; its collection is the naming rule's, which a job may name
  // as an input to wait for this loader.
  output: {},
  upstream: [],
  worker: {
    readOptions: readLoaderOptions,
    // Imported when the job runs: `streamforge --help` and other jobs need none of the sources.
    work: (options) => async (ctx) => (await import('./loader-work.ts')).createLoaderWork(options)(ctx),
    cli: {
      command: 'loader',
      summary:
        'run loader-producer: Binance REST/WebSocket, archive files or synthetic data → the data topic',
      httpPort: LOADER_HTTP_PORT,
      args: () => ['loader'],
      help: `Usage: streamforge loader [--debug]

Runs one loader-producer job (job target "${LOADER_TARGET}"): loads market data of SYMBOL and TIME_RANGE
from the source TYPE names, produces it to the data topic keyed by natural key, then writes an
end-of-stream marker on every partition. Obeys ping and stop on queue-control; telemetry on queue-events.

TYPE:
  api_candles_<interval>   GET /api/v3/klines (interval ${QUEUE_CANDLE_INTERVALS.join(' ')})
  api_trades               GET /api/v3/aggTrades (paged by fromId, bounded by the time range)
  ws_candles_<interval>    live <symbol>@kline_<interval>: closed candles; runs until stopped
  ws_trades                live <symbol>@aggTrade; runs until stopped
  archive_candles_<i>, archive_trades   Binance archive files (zip/csv, header or not, ms or µs)
  synthetic_candles_<i>, synthetic_trades   deterministic made-up data (no network)

Environment:
  SYMBOL (e.g. BTCUSDT), TYPE, TIME_RANGE (YYYY-MM-DD:YYYY-MM-DD, UTC days, inclusive),
  KAFKA_TOPIC (default <QUEUE_ID>.<TYPE>), DATA_TOPIC_PARTITIONS (3, when the loader creates the topic),
  BINANCE_API_URL (https://data-api.binance.vision), BINANCE_WS_URL (wss://data-stream.binance.vision),
  BINANCE_WEIGHT_BUDGET_PERCENT (80), BINANCE_MAX_RETRIES (8), BINANCE_MAX_BAN_WAIT_SECONDS (300),
  WS_MAX_CONNECTION_SECONDS (85800), WS_STALE_SECONDS (90), WS_RECONNECT_MAX_SECONDS (30),
  ARCHIVE_PATH (file or directory), SYNTHETIC_SEED (1), SYNTHETIC_RECORDS (default: the range's),
  LOADER_BATCH_SIZE (5000), PRODUCE_IN_FLIGHT (4), LOADING_INTERVAL_SECONDS (5),
  QUEUE_ID, TELEMETRY_PRODUCER_ID, KAFKA_BOOTSTRAP_SERVERS, KAFKA_USER, KAFKA_PASSWORD, KAFKA_CA_PATH,
  KAFKA_DELIVERY_TIMEOUT_SECONDS (120: how long a produce waits out an unreachable broker; records
  are written once however often a batch is retried), QUEUE_CONTROL_TOPIC, QUEUE_EVENTS_TOPIC, METRICS_PORT (default ${LOADER_HTTP_PORT}).

Exit code: 0 on finished or stopped, 1 on error (the error event names what is missing).`,
    },
  },
});
