import { ErrorCodes, StreamForgeError, type MarketType, type TimeRange } from '../../../protocol/index.ts';
import type { Logger } from '../../../runtime/index.ts';
import type { BinanceRestClient } from '../binance/rest-client.ts';
import type { LoaderOptions } from '../options.ts';
import { ApiCandlesSource } from './api-candles.ts';
import { ApiTradesSource } from './api-trades.ts';
import { ArchiveSource } from './archive.ts';
import type { RecordSource } from './source.ts';
import { SyntheticSource } from './synthetic.ts';
import { WsCandlesSource } from './ws-candles.ts';
import { WsTradesSource } from './ws-trades.ts';

export interface SourceDeps {
  type: MarketType;
  symbol: string;
  range: TimeRange | undefined;
  options: LoaderOptions;
  rest: BinanceRestClient;
  logger: Logger;
  /** Told about reconnects and backfills of live streams. */
  onNotice: (message: string) => void;
}

function needRange(deps: SourceDeps): TimeRange {
  if (deps.range) return deps.range;
  throw new StreamForgeError(
    ErrorCodes.INVALID_CONFIG,
    `TIME_RANGE is not set: ${deps.type.type} loads a range of days, e.g. TIME_RANGE=2024-06-01:2024-06-30`,
  );
}

/** The source a TYPE names: api_*, ws_*, archive_*, synthetic_*. */
export function createSource(deps: SourceDeps): RecordSource {
  const { type, symbol, options, rest } = deps;
  switch (type.source) {
    case 'api':
      return type.kind === 'candle'
        ? new ApiCandlesSource(rest, symbol, type.interval!, needRange(deps))
        : new ApiTradesSource(rest, symbol, needRange(deps));
    case 'ws': {
      const live = {
        rest,
        symbol,
        wsUrl: options.wsUrl,
        options,
        logger: deps.logger,
        onNotice: deps.onNotice,
        // With TIME_RANGE: that range (REST for its past, then the stream) and end; without: until stopped.
        range: deps.range,
      };
      return type.kind === 'candle'
        ? new WsCandlesSource({ ...live, interval: type.interval! })
        : new WsTradesSource(live);
    }
    case 'archive':
      if (options.archivePath === undefined) {
        throw new StreamForgeError(
          ErrorCodes.INVALID_CONFIG,
          `ARCHIVE_PATH is not set: ${type.type} reads Binance archive files (.zip or .csv)`,
        );
      }
      return new ArchiveSource({
        path: options.archivePath,
        symbol,
        kind: type.kind,
        interval: type.interval,
        range: deps.range,
        batchSize: options.batchSize,
      });
    case 'synthetic': {
      const range = options.syntheticRecords === undefined ? needRange(deps) : deps.range;
      const startMs = range?.startMs ?? Date.UTC(2024, 0, 1);
      return new SyntheticSource({
        symbol,
        kind: type.kind,
        interval: type.interval,
        seed: options.syntheticSeed,
        startMs,
        endMs: range?.endMs ?? startMs,
        count: options.syntheticRecords,
        batchSize: options.batchSize,
      });
    }
  }
}
