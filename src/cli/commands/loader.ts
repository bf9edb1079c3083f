import { QUEUE_CANDLE_INTERVALS } from '../../protocol/index.ts';
import { createLogger, readJobConfig } from '../../runtime/index.ts';
import {
  LOADER_HTTP_PORT,
  LOADER_TARGET,
  readLoaderOptions,
  runLoaderService,
} from '../../services/loader/index.ts';
import { parseFlags, type CliCommand } from '../args.ts';

const FLAGS = { debug: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

export const loaderCommand: CliCommand = {
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
  async run(argv, env) {
    const flags = parseFlags(argv, FLAGS);
    const config = readJobConfig({ TARGET: LOADER_TARGET, ...env }, LOADER_TARGET, LOADER_HTTP_PORT);
    const options = readLoaderOptions(env);
    const logger = createLogger({
      service: LOADER_TARGET,
      level: flags.debug ? 'debug' : 'info',
      base: { queue_id: config.queueId, telemetry_id: config.telemetryId },
    });
    if (!config.kafka)
      logger.warn(
        'KAFKA_BOOTSTRAP_SERVERS is not set: running on an in-memory bus only this process reaches',
      );
    const outcome = await runLoaderService({ config, options, logger });
    return outcome.exitCode;
  },
};
