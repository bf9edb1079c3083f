import type { Migration } from '../../store/index.ts';

/**
 * The users table, the ids of processed events, and the function that applies events. Migration ids
 * carry the schema: several schemas (tests, tenants) share one streamforge_migrations table.
 */
export function userMigrations(schema: string): Migration[] {
  const s = `"${schema}"`;
  return [
    {
      id: `consumer-users:${schema}:0001_users`,
      sql: `
        create schema if not exists ${s};
        create table ${s}.users (
          user_id       text primary key,
          username      text,
          email         text,
          created_at    timestamptz,
          updated_at    timestamptz not null,
          deleted_at    timestamptz,
          last_event_id text not null,
          version       bigint not null default 1
        );
        comment on column ${s}.users.updated_at is 'event time of the last applied event';
        comment on column ${s}.users.version is 'events applied to this row';
        create table ${s}.consumer_processed_events (
          event_id     text primary key,
          event_type   text not null,
          user_id      text not null,
          topic        text not null,
          "partition"  integer not null,
          "offset"     bigint not null,
          processed_at timestamptz not null default now()
        );
        -- Applies events in order; returns per event: applied, stale (older than the row) or duplicate.
        -- One call is one statement: a batch is applied all or nothing.
        create function ${s}.apply_user_events(
          ids text[], types text[], users text[], topics text[], partitions int[], offsets bigint[],
          usernames text[], emails text[], times timestamptz[]
        ) returns text[] language plpgsql as $fn$
        declare
          outcomes text[] := '{}';
        begin
          for i in 1 .. coalesce(array_length(ids, 1), 0) loop
            insert into ${s}.consumer_processed_events (event_id, event_type, user_id, topic, "partition", "offset")
              values (ids[i], types[i], users[i], topics[i], partitions[i], offsets[i])
              on conflict (event_id) do nothing;
            if not found then
              outcomes := outcomes || 'duplicate'::text;
              continue;
            end if;
            if types[i] = 'user.created' then
              insert into ${s}.users as u (user_id, username, email, created_at, updated_at, last_event_id)
                values (users[i], usernames[i], emails[i], times[i], times[i], ids[i])
              on conflict (user_id) do update set
                username = excluded.username, email = excluded.email, created_at = excluded.created_at,
                updated_at = excluded.updated_at, deleted_at = null, last_event_id = excluded.last_event_id,
                version = u.version + 1
              where u.updated_at <= excluded.updated_at;
            elsif types[i] = 'user.updated' then
              -- fields left out keep their value; a deleted user stays deleted
              insert into ${s}.users as u (user_id, username, email, updated_at, last_event_id)
                values (users[i], usernames[i], emails[i], times[i], ids[i])
              on conflict (user_id) do update set
                username = coalesce(excluded.username, u.username), email = coalesce(excluded.email, u.email),
                updated_at = excluded.updated_at, last_event_id = excluded.last_event_id, version = u.version + 1
              where u.updated_at <= excluded.updated_at and u.deleted_at is null;
            elsif types[i] = 'user.deleted' then
              -- a tombstone, so that a late, older event cannot bring the user back
              insert into ${s}.users as u (user_id, updated_at, deleted_at, last_event_id)
                values (users[i], times[i], times[i], ids[i])
              on conflict (user_id) do update set
                updated_at = excluded.updated_at, deleted_at = excluded.deleted_at,
                last_event_id = excluded.last_event_id, version = u.version + 1
              where u.updated_at <= excluded.updated_at;
            else
              raise exception 'apply_user_events: unknown event type %', types[i];
            end if;
            outcomes := outcomes || (case when found then 'applied' else 'stale' end);
          end loop;
          return outcomes;
        end
        $fn$;`,
    },
  ];
}
