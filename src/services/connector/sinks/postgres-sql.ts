import type { CandleRecord, MarketRecord, TradeRecord } from '../../../protocol/index.ts';
import type { Migration } from '../../../store/index.ts';

/** The catalog of collections: which table holds what, for `streamforge collection` and later readers. */
export const COLLECTION_MIGRATIONS: readonly Migration[] = [
  {
    id: 'market_0001_collections',
    sql: `create table if not exists streamforge_collections (
      name text primary key,
      kind text not null check (kind in ('candle', 'trade')),
      symbol text,
      interval text,
      created_at timestamptz not null default now()
    )`,
  },
];

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** One table per collection: a narrow primary key on the natural key keeps upserts fast. */
export function createTableSql(kind: MarketRecord['kind'], name: string): string[] {
  const table = quoteIdent(name);
  if (kind === 'candle') {
    return [
      `create table if not exists ${table} (
        symbol text not null,
        interval text not null,
        open_time timestamptz not null,
        close_time timestamptz not null,
        open numeric not null,
        high numeric not null,
        low numeric not null,
        close numeric not null,
        volume numeric not null,
        quote_volume numeric not null,
        trades bigint not null,
        taker_buy_base_volume numeric not null,
        taker_buy_quote_volume numeric not null,
        primary key (symbol, interval, open_time)
      )`,
    ];
  }
  return [
    `create table if not exists ${table} (
      symbol text not null,
      trade_id bigint not null,
      price numeric not null,
      quantity numeric not null,
      first_trade_id bigint not null,
      last_trade_id bigint not null,
      time timestamptz not null,
      is_buyer_maker boolean not null,
      is_best_match boolean not null,
      primary key (symbol, trade_id)
    )`,
    `create index if not exists ${quoteIdent(`${name.slice(0, 50)}_time_idx`)} on ${table} (symbol, time)`,
  ];
}

/** A candle row's columns besides its key (symbol, interval, open_time). */
export const CANDLE_VALUES = [
  'close_time',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'quote_volume',
  'trades',
  'taker_buy_base_volume',
  'taker_buy_quote_volume',
];
const TRADE_VALUES = [
  'price',
  'quantity',
  'first_trade_id',
  'last_trade_id',
  'time',
  'is_buyer_maker',
  'is_best_match',
];

/** `on conflict … do update`: a replayed record overwrites itself, a corrected one replaces the old. */
export function onConflictSql(kind: MarketRecord['kind']): string {
  const [key, values] =
    kind === 'candle' ? ['symbol, interval, open_time', CANDLE_VALUES] : ['symbol, trade_id', TRADE_VALUES];
  return `on conflict (${key}) do update set ${values.map((c) => `${c} = excluded.${c}`).join(', ')}`;
}

const MS = (column: string): string => `timestamptz 'epoch' + ${column} * interval '1 millisecond'`;

/** One statement whatever the batch size: every column is one array parameter (PGlite and PostgreSQL). */
export function unnestInsert(kind: MarketRecord['kind'], name: string, records: readonly MarketRecord[]) {
  const table = quoteIdent(name);
  if (kind === 'candle') {
    const c = records as readonly CandleRecord[];
    return {
      sql: `insert into ${table} select s, i, ${MS('ot')}, ${MS('ct')}, o, h, l, c, v, qv, n, tb, tq
        from unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::numeric[], $6::numeric[], $7::numeric[],
          $8::numeric[], $9::numeric[], $10::numeric[], $11::bigint[], $12::numeric[], $13::numeric[])
          as u(s, i, ot, ct, o, h, l, c, v, qv, n, tb, tq) ${onConflictSql(kind)}`,
      params: [
        c.map((r) => r.symbol),
        c.map((r) => r.interval),
        c.map((r) => r.open_time),
        c.map((r) => r.close_time),
        c.map((r) => r.open),
        c.map((r) => r.high),
        c.map((r) => r.low),
        c.map((r) => r.close),
        c.map((r) => r.volume),
        c.map((r) => r.quote_volume),
        c.map((r) => r.trades),
        c.map((r) => r.taker_buy_base_volume),
        c.map((r) => r.taker_buy_quote_volume),
      ],
    };
  }
  const t = records as readonly TradeRecord[];
  return {
    sql: `insert into ${table} select s, id, p, q, f, l, ${MS('tm')}, m, bm
      from unnest($1::text[], $2::bigint[], $3::numeric[], $4::numeric[], $5::bigint[], $6::bigint[], $7::bigint[],
        $8::boolean[], $9::boolean[]) as u(s, id, p, q, f, l, tm, m, bm) ${onConflictSql(kind)}`,
    params: [
      t.map((r) => r.symbol),
      t.map((r) => r.trade_id),
      t.map((r) => r.price),
      t.map((r) => r.quantity),
      t.map((r) => r.first_trade_id),
      t.map((r) => r.last_trade_id),
      t.map((r) => r.time),
      t.map((r) => r.is_buyer_maker),
      t.map((r) => r.is_best_match),
    ],
  };
}

/** Multi-row `insert … values (…), (…) on conflict`: measured against the others by bench/pipeline. */
export function valuesInsert(kind: MarketRecord['kind'], name: string, records: readonly MarketRecord[]) {
  const params: unknown[] = [];
  const rows = records.map((record) => {
    const values = copyFields(record);
    const at = params.length;
    params.push(...values);
    return `(${values
      .map((_, i) => (isTimeColumn(kind, i) ? `$${at + i + 1}::timestamptz` : `$${at + i + 1}`))
      .join(', ')})`;
  });
  return { sql: `insert into ${quoteIdent(name)} values ${rows.join(', ')} ${onConflictSql(kind)}`, params };
}

function isTimeColumn(kind: MarketRecord['kind'], index: number): boolean {
  return kind === 'candle' ? index === 2 || index === 3 : index === 6;
}

let isoDay = -1;
let isoPrefix = '';
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** `YYYY-MM-DDTHH:MM:SS.mmmZ`; records come in time order, so the date part is cached. */
function iso(ms: number): string {
  const day = Math.floor(ms / 86_400_000);
  if (day !== isoDay) {
    isoDay = day;
    const date = new Date(day * 86_400_000).toISOString();
    isoPrefix = date.slice(0, date.indexOf('T') + 1);
  }
  let rest = ms - day * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const sec = Math.floor(rest / 1000);
  return `${isoPrefix}${pad(h, 2)}:${pad(m, 2)}:${pad(sec, 2)}.${pad(rest - sec * 1000, 3)}Z`;
}

/** A record's columns in table order, times as ISO text, for VALUES (copyRows writes the same order). */
function copyFields(r: MarketRecord): (string | number | boolean)[] {
  return r.kind === 'candle'
    ? [
        r.symbol,
        r.interval,
        iso(r.open_time),
        iso(r.close_time),
        r.open,
        r.high,
        r.low,
        r.close,
        r.volume,
        r.quote_volume,
        r.trades,
        r.taker_buy_base_volume,
        r.taker_buy_quote_volume,
      ]
    : [
        r.symbol,
        r.trade_id,
        r.price,
        r.quantity,
        r.first_trade_id,
        r.last_trade_id,
        iso(r.time),
        r.is_buyer_maker,
        r.is_best_match,
      ];
}

/** A session-local staging table shaped like the collection's kind; emptied at every commit. */
export function stagingSql(
  kind: MarketRecord['kind'],
  name: string,
): { create: string; merge: string; table: string } {
  const table = `sf_stage_${kind}`;
  return {
    table,
    create: `create temp table if not exists ${table} (like ${quoteIdent(name)}) on commit delete rows`,
    merge: `insert into ${quoteIdent(name)} select * from ${table} ${onConflictSql(kind)}`,
  };
}
