// The test PostgreSQL server: where it is, a client on it, and row counts for tests that wait on a
// job or service writing there.
import { PostgresClient, type SqlExecutor } from '../../src/store/index.ts';

/** npm test sets TEST_DATABASE_URL; the default is this machine's server (trust auth, database `test`). */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A client on the test database, connected: a test fails at once, naming why, when the server is away. */
export async function openTestDatabase(): Promise<PostgresClient> {
  const client = new PostgresClient({ connectionString: testDatabaseUrl });
  await client.connect();
  return client;
}

/** SQLSTATE of a table (42P01) or schema (3F000) that is not there. */
const MISSING = new Set(['42P01', '3F000']);

/**
 * Rows in `table` (of `schema`, when given). 0 while the table does not exist yet: the job or service
 * under test creates it when it starts. Any other failure is thrown.
 */
export async function countRows(sql: SqlExecutor, table: string, schema?: string): Promise<number> {
  const name = schema === undefined ? `"${table}"` : `"${schema}"."${table}"`;
  try {
    const { rows } = await sql.query<{ n: number }>(`select count(*)::int as n from ${name}`);
    return rows[0]!.n;
  } catch (error) {
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    if (typeof code === 'string' && MISSING.has(code)) return 0;
    throw error;
  }
}
