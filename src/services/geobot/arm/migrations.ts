import type { Migration } from '../../../store/index.ts';

/**
 * ARM's users table. `updated_at` is the event time (the envelope's timestamp) of the last change:
 * a change applies only if it is not older than the row, so a redelivered or late message cannot undo
 * a newer one. Migration ids carry the schema: several schemas share one streamforge_migrations table.
 */
export function armMigrations(schema: string): Migration[] {
  const s = `"${schema}"`;
  return [
    {
      id: `geobot-arm:${schema}:0001_users`,
      sql: `
        create schema if not exists ${s};
        create table ${s}.geobot_users (
          user_id     text primary key,
          username    text not null,
          email       text,
          full_name   text,
          created_at  timestamptz not null,
          updated_at  timestamptz not null,
          version     integer not null default 1,
          last_source text not null
        );
        comment on column ${s}.geobot_users.created_at is 'event time of the create_user that made the row';
        comment on column ${s}.geobot_users.updated_at is 'event time of the last change applied';
        comment on column ${s}.geobot_users.version is 'changes applied (a repeated request that changes nothing does not count)';
        comment on column ${s}.geobot_users.last_source is 'topic/partition/offset of the message of the last change';`,
    },
  ];
}
