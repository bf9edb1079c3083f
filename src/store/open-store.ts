import { PGliteClient } from './pglite/pglite-client.ts';
import { PostgresClient } from './postgres/postgres-client.ts';
import type { SqlClient } from './types.ts';

/** PostgreSQL when DATABASE_URL is given, else PGlite in `dataDir` (or in memory). Fails fast, naming the cause. */
export async function openStore(options: { databaseUrl?: string; dataDir?: string }): Promise<SqlClient> {
  if (options.databaseUrl) {
    const client = new PostgresClient({ connectionString: options.databaseUrl });
    try {
      await client.connect();
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
    return client;
  }
  return PGliteClient.open({ dataDir: options.dataDir });
}
