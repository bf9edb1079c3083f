// The candles as Kafka Connect's JsonConverter reads them: {"schema": …, "payload": …} envelopes. The
// Debezium JDBC sink binds columns from the record's schema, so schemaless JSON (what our loader writes)
// cannot feed it; the envelope repeats the schema in every record, which is part of what Connect costs.
import type { CandleRecord } from '../../src/protocol/index.ts';

const TIMESTAMP = {
  type: 'int64',
  name: 'org.apache.kafka.connect.data.Timestamp',
  version: 1,
  optional: false,
};
const text = (field: string) => ({ field, type: 'string', optional: false });
/**
 * Connect's Decimal with the field's fixed scale (the synthetic source's): the sink binds it as numeric.
 * A string would reach the numeric column as text, which PostgreSQL refuses; a float64 would not round-trip.
 */
const decimal = (field: string, scale: number) => ({
  field,
  type: 'bytes',
  name: 'org.apache.kafka.connect.data.Decimal',
  version: 1,
  parameters: { scale: String(scale) },
  optional: false,
});

const CANDLE_SCHEMA = {
  type: 'struct',
  name: 'streamforge.candle',
  optional: false,
  fields: [
    text('symbol'),
    text('interval'),
    { field: 'open_time', ...TIMESTAMP },
    { field: 'close_time', ...TIMESTAMP },
    decimal('open', 2),
    decimal('high', 2),
    decimal('low', 2),
    decimal('close', 2),
    decimal('volume', 8),
    decimal('quote_volume', 6),
    { field: 'trades', type: 'int64', optional: false },
    decimal('taker_buy_base_volume', 8),
    decimal('taker_buy_quote_volume', 6),
  ],
};
const SCHEMA_JSON = JSON.stringify(CANDLE_SCHEMA);

/**
 * One candle's JsonConverter envelope (the table's columns, without our `kind` field). Decimals are written
 * as JSON numbers with their exact digits (JsonConverter reads a number into a Decimal without rounding),
 * so the payload is assembled by hand: JSON.stringify would quote them.
 */
export function candleEnvelope(c: CandleRecord): string {
  return (
    `{"schema":${SCHEMA_JSON},"payload":{"symbol":${JSON.stringify(c.symbol)},"interval":${JSON.stringify(c.interval)},` +
    `"open_time":${c.open_time},"close_time":${c.close_time},"open":${c.open},"high":${c.high},"low":${c.low},` +
    `"close":${c.close},"volume":${c.volume},"quote_volume":${c.quote_volume},"trades":${c.trades},` +
    `"taker_buy_base_volume":${c.taker_buy_base_volume},"taker_buy_quote_volume":${c.taker_buy_quote_volume}}}`
  );
}
