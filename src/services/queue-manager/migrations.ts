import type { Migration } from '../../store/index.ts';

/**
 * The queue manager's tables. Jobs are keyed by telemetry_id (unique by construction); events are
 * unique on (telemetry_id, event, sent_at), the key that makes a redelivered event change nothing;
 * launches record every attempt once, which is what "no job launched twice" is checked against.
 */
export const QUEUE_MANAGER_MIGRATIONS: readonly Migration[] = [
  {
    id: 'queue-manager-0001-tables',
    sql: `
      create table qm_queues (
        queue_id text primary key,
        seq bigserial not null unique,
        symbol text not null,
        time_range text not null,
        status text not null,
        request jsonb not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        started_at timestamptz,
        finished_at timestamptz,
        stop_requested_at timestamptz,
        terminate_requested_at timestamptz
      );
      create index qm_queues_status_seq on qm_queues (status, seq desc);
      create index qm_queues_symbol_seq on qm_queues (symbol, seq desc);

      create table qm_jobs (
        telemetry_id text primary key,
        queue_id text not null references qm_queues (queue_id) on delete cascade,
        position integer not null,
        target text not null,
        type text not null,
        streaming boolean not null,
        job_name text not null,
        topic text not null,
        collection text not null,
        params jsonb not null,
        depends_on text[] not null default '{}',
        status text not null,
        attempt integer not null default 1,
        launcher_ref text,
        launched_at timestamptz,
        started_at timestamptz,
        finished_at timestamptz,
        last_seen_at timestamptz,
        pinged_at timestamptz,
        stop_requested_at timestamptz,
        exited_at timestamptz,
        exit_code integer,
        exit_reason text,
        records_written bigint not null default 0,
        records_total bigint,
        last_event jsonb,
        last_event_at double precision,
        error_message text,
        error_code text,
        unique (queue_id, position)
      );
      create index qm_jobs_active on qm_jobs (status) where status in ('launching', 'running', 'stopping');

      create table qm_events (
        id bigserial primary key,
        queue_id text not null,
        telemetry_id text not null,
        attempt integer not null,
        event text not null,
        sent_at double precision not null,
        received_at timestamptz not null default now(),
        records_written bigint,
        message text,
        error_message text,
        payload jsonb not null,
        unique (telemetry_id, event, sent_at)
      );
      create index qm_events_queue on qm_events (queue_id, id);

      create table qm_launches (
        telemetry_id text not null,
        attempt integer not null,
        queue_id text not null,
        launcher text not null,
        ref text,
        adopted boolean not null default false,
        launched_at timestamptz not null default now(),
        primary key (telemetry_id, attempt)
      );
    `,
  },
  {
    // When a job became ready to launch again (its retry); the first attempt is ready with its queue.
    id: 'queue-manager-0002-job-retried-at',
    sql: `alter table qm_jobs add column retried_at timestamptz`,
  },
  {
    // What each input name of the request resolved to: [{field, name, resolved_collection, from_job}].
    id: 'queue-manager-0003-job-inputs',
    sql: `alter table qm_jobs add column inputs jsonb not null default '[]'`,
  },
];
