import type { Migration, SqlClient } from './types.ts';

/**
 * Applies the migrations not yet applied, each in its own transaction, in id order. Several modules
 * (queue manager, consumer, connector) pass their own lists; ids are global, so prefix them.
 * An advisory lock keeps two processes starting at once from applying the same migration twice.
 */
export async function migrate(client: SqlClient, migrations: readonly Migration[]): Promise<string[]> {
  await client.query(
    `create table if not exists streamforge_migrations (id text primary key, applied_at timestamptz not null default now())`,
  );
  const applied: string[] = [];
  for (const migration of [...migrations].sort((a, b) => a.id.localeCompare(b.id))) {
    const done = await client.transaction(async (tx) => {
      await tx.query(`select pg_advisory_xact_lock(hashtext('streamforge_migrations'))`);
      const seen = await tx.query(`select 1 from streamforge_migrations where id = $1`, [migration.id]);
      if (seen.rows.length > 0) return false;
      await tx.query(migration.sql);
      await tx.query(`insert into streamforge_migrations (id) values ($1)`, [migration.id]);
      return true;
    });
    if (done) applied.push(migration.id);
  }
  return applied;
}
