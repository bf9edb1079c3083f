import { AsyncLocalStorage } from 'node:async_hooks';
import type { BusRecord } from '../../bus/index.ts';
import type { Migration, SqlClient } from '../../store/index.ts';
import { userMigrations } from './migrations.ts';

/** What applying an event did: changed the row, was older than the row (stale), or was seen before. */
export type Applied = 'applied' | 'stale' | 'duplicate';

/** A user event as the store needs it: the envelope's id, type and time, the data, and its origin. */
export interface UserEvent {
  id: string;
  type: string;
  timestamp: string;
  record: BusRecord;
  data: { user_id: string; username?: string; email?: string };
}

/**
 * The users table. Events are applied by one SQL function (see migrations.ts) that records each event
 * id and applies the change in the same statement, so a redelivered event changes nothing, and a
 * change applies only if the event is not older than the row's last applied event (`updated_at` is
 * event time). Deletes keep a tombstone so that a late, older update cannot bring the user back.
 */
export class UserStore {
  readonly #sql: SqlClient;
  readonly #schema: string;
  readonly #onApplied: ((type: string, outcome: Applied) => void) | undefined;
  /** The batch the current async flow collects into, if any (see batch()). */
  readonly #batch = new AsyncLocalStorage<UserEvent[]>();

  constructor(sql: SqlClient, schema = 'public', onApplied?: (type: string, outcome: Applied) => void) {
    this.#sql = sql;
    this.#schema = schema;
    this.#onApplied = onApplied;
  }

  migrations(): Migration[] {
    return userMigrations(this.#schema);
  }

  /** Applies the events now, in order, in one statement (all or none); resolves to what each did. */
  async apply(events: UserEvent[]): Promise<Applied[]> {
    if (events.length === 0) return [];
    const column = <T>(pick: (e: UserEvent) => T) => events.map(pick);
    const { rows } = await this.#sql.query<{ outcomes: Applied[] }>(
      `select "${this.#schema}".apply_user_events($1::text[], $2::text[], $3::text[], $4::text[], $5::int[],
         $6::bigint[], $7::text[], $8::text[], $9::timestamptz[]) as outcomes`,
      [
        column((e) => e.id),
        column((e) => e.type),
        column((e) => e.data.user_id),
        column((e) => e.record.topic),
        column((e) => e.record.partition),
        column((e) => String(e.record.offset)),
        column((e) => e.data.username ?? null),
        column((e) => e.data.email ?? null),
        column((e) => e.timestamp),
      ],
    );
    const outcomes = rows[0]?.outcomes ?? [];
    events.forEach((e, i) => this.#onApplied?.(e.type, outcomes[i] ?? 'stale'));
    return outcomes;
  }

  /**
   * Runs `work`; the events it submits are applied together, in order, in one statement when it
   * resolves: one round trip and one commit per batch instead of one per event.
   */
  async batch(work: () => Promise<void>): Promise<void> {
    const events: UserEvent[] = [];
    await this.#batch.run(events, work);
    await this.apply(events);
  }

  /** Applies the event: inside batch(), when the batch ends; otherwise now. */
  async submit(event: UserEvent): Promise<void> {
    const batch = this.#batch.getStore();
    if (batch) batch.push(event);
    else await this.apply([event]);
  }
}
