// Row for row: do the two sinks' tables hold the same rows? Counts, rows only on one side (EXCEPT on
// every column), and for rows present on both sides (joined on the primary key) how many differ in
// each column, with one example: e.g. a sink that truncates close_time's milliseconds shows up here.
import type { PostgresClient } from '../../src/store/index.ts';
import { CANDLE_VALUES as VALUES, quoteIdent } from '../../src/services/connector/sinks/postgres-sql.ts';

const KEY = ['symbol', 'interval', 'open_time'];

export interface ColumnDifference {
  column: string;
  rows: number;
  /** One differing row: the key, our value, Connect's value (as PostgreSQL prints them). */
  example: string;
}

export interface TableComparison {
  ours: number;
  theirs: number;
  onlyOurs: number;
  onlyTheirs: number;
  columns: ColumnDifference[];
}

export async function compareTables(
  db: PostgresClient,
  ours: string,
  theirs: string,
): Promise<TableComparison> {
  const a = quoteIdent(ours);
  const b = quoteIdent(theirs);
  const all = [...KEY, ...VALUES].map(quoteIdent).join(', ');
  const one = async (sql: string): Promise<number> => Number((await db.query<{ n: string }>(sql)).rows[0]!.n);
  const result: TableComparison = {
    ours: await one(`select count(*)::text as n from ${a}`),
    theirs: await one(`select count(*)::text as n from ${b}`),
    onlyOurs: await one(
      `select count(*)::text as n from (select ${all} from ${a} except all select ${all} from ${b}) d`,
    ),
    onlyTheirs: await one(
      `select count(*)::text as n from (select ${all} from ${b} except all select ${all} from ${a}) d`,
    ),
    columns: [],
  };
  if (result.onlyOurs === 0 && result.onlyTheirs === 0) return result;
  const join = `from ${a} o join ${b} t using (${KEY.map(quoteIdent).join(', ')})`;
  for (const column of VALUES) {
    const c = quoteIdent(column);
    const rows = await one(`select count(*)::text as n ${join} where o.${c} is distinct from t.${c}`);
    if (rows === 0) continue;
    const example = await db.query<{ key: string; o: string; t: string }>(
      `select concat_ws(':', symbol, interval, open_time::text) as key, o.${c}::text as o, t.${c}::text as t ` +
        `${join} where o.${c} is distinct from t.${c} order by open_time limit 1`,
    );
    const row = example.rows[0]!;
    result.columns.push({ column, rows, example: `${row.key}: ours ${row.o}, Connect ${row.t}` });
  }
  return result;
}

/** One line per finding, for the bench's output. */
export function describeComparison(c: TableComparison): string[] {
  const lines = [
    `rows: ours ${c.ours}, Connect ${c.theirs}; only in ours ${c.onlyOurs}, only in Connect's ${c.onlyTheirs}` +
      (c.onlyOurs === 0 && c.onlyTheirs === 0 ? ' — identical on every column' : ''),
  ];
  for (const d of c.columns) lines.push(`  ${d.column} differs in ${d.rows} rows, e.g. ${d.example}`);
  return lines;
}
