import type { BusRecord } from '../../bus/index.ts';
import type { Migration, SqlClient } from '../../store/index.ts';

/** What applying an event did: changed the row, was older than the row (stale), or was seen before. */
export type Applied = 'applied' | 'stale' | 'duplicate';

interface EventRef {
  id: string;
  type: string;
  timestamp: string;
  record: BusRecord;
}

/**
 * The users table. Every write is one statement that records the event id and applies the change
 * together, so a redelivered event changes nothing, and a change applies only if the event is not
 * older than the row's last applied event (`updated_at` is event time, not wall-clock time).
 * Deletes keep a tombstone so that a late, older update cannot bring the user back.
 */
export class UserStore {
  readonly #sql: SqlClient;
  readonly #schema: string;

  constructor(sql: SqlClient, schema = 'public') {
    this.#sql = sql;
    this.#schema = schema;
  }

  /** Ids carry the schema: several schemas (tests, tenants) share one streamforge_migrations table. */
  migrations(): Migration[] {
    const s = `"${this.#schema}"`;
    return [
      {
        id: `consumer-users:${this.#schema}:0001_users`,
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
          );`,
      },
    ];
  }

  created(event: EventRef, data: { user_id: string; username: string; email: string }): Promise<Applied> {
    return this.#apply(
      event,
      data.user_id,
      `insert into ${this.#table('users')} as u (user_id, username, email, created_at, updated_at, last_event_id)
         select $3, $7, $8, $9::timestamptz, $9::timestamptz, $1 from fresh
       on conflict (user_id) do update set
         username = excluded.username, email = excluded.email, created_at = excluded.created_at,
         updated_at = excluded.updated_at, deleted_at = null, last_event_id = excluded.last_event_id,
         version = u.version + 1
       where u.updated_at <= excluded.updated_at`,
      [data.username, data.email, event.timestamp],
    );
  }

  updated(event: EventRef, data: { user_id: string; username?: string; email?: string }): Promise<Applied> {
    return this.#apply(
      event,
      data.user_id,
      `insert into ${this.#table('users')} as u (user_id, username, email, updated_at, last_event_id)
         select $3, $7::text, $8::text, $9::timestamptz, $1 from fresh
       on conflict (user_id) do update set
         username = coalesce(excluded.username, u.username), email = coalesce(excluded.email, u.email),
         updated_at = excluded.updated_at, last_event_id = excluded.last_event_id, version = u.version + 1
       where u.updated_at <= excluded.updated_at and u.deleted_at is null`,
      [data.username ?? null, data.email ?? null, event.timestamp],
    );
  }

  deleted(event: EventRef, data: { user_id: string }): Promise<Applied> {
    return this.#apply(
      event,
      data.user_id,
      `insert into ${this.#table('users')} as u (user_id, updated_at, deleted_at, last_event_id)
         select $3, $7::timestamptz, $7::timestamptz, $1 from fresh
       on conflict (user_id) do update set
         updated_at = excluded.updated_at, deleted_at = excluded.deleted_at,
         last_event_id = excluded.last_event_id, version = u.version + 1
       where u.updated_at <= excluded.updated_at`,
      [event.timestamp],
    );
  }

  #table(name: string): string {
    return `"${this.#schema}".${name}`;
  }

  /** One statement: remember the event (unless seen) and, only if it is new, upsert the user. */
  async #apply(event: EventRef, userId: string, upsert: string, params: unknown[]): Promise<Applied> {
    const { record } = event;
    const result = await this.#sql.query<{ fresh: number; applied: number }>(
      `with fresh as (
         insert into ${this.#table('consumer_processed_events')}
           (event_id, event_type, user_id, topic, "partition", "offset")
         values ($1, $2, $3, $4, $5, $6) on conflict (event_id) do nothing returning 1
       ), applied as (${upsert} returning 1)
       select (select count(*)::int from fresh) as fresh, (select count(*)::int from applied) as applied`,
      [event.id, event.type, userId, record.topic, record.partition, String(record.offset), ...params],
    );
    const row = result.rows[0];
    if (!row || row.fresh === 0) return 'duplicate';
    return row.applied > 0 ? 'applied' : 'stale';
  }
}
