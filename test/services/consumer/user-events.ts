// Generates seed-002 user events with duplicates and stale updates, and the users table they must
// produce, by the same rules the service applies (dedupe by id; apply only if not older than the row).
import type { Bus, OutgoingRecord } from '../../../src/bus/index.ts';
import type { SqlExecutor } from '../../../src/store/index.ts';
import { countRows } from '../../support/postgres.ts';
import { waitForCount, type CountTarget } from '../../support/wait.ts';

export interface UserRow {
  username: string | null;
  email: string | null;
  deleted: boolean;
  last_event_id: string;
  version: number;
  updated_at: number;
}

interface Event {
  id: string;
  type: 'user.created' | 'user.updated' | 'user.deleted';
  ts: number;
  data: { user_id: string; username?: string; email?: string; action: string };
}

/** A small deterministic PRNG so a failing run can be reproduced. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

export interface Generated {
  records: OutgoingRecord[];
  /** Distinct event ids: what consumer_processed_events must end up holding. */
  distinct: number;
  expected: Map<string, UserRow>;
}

export function generateUserEvents(
  topic: string,
  count: number,
  users: number,
  prefix: string,
  seed = 7,
  duplicateRate = 0.04,
): Generated {
  const rnd = random(seed);
  const emitted: Event[] = [];
  const byUser = new Map<string, Event[]>();
  const exists = new Map<string, 'live' | 'deleted'>();
  let clock = Date.UTC(2024, 0, 1);
  for (let i = 0; i < count; i += 1) {
    const user = `${prefix}-u${Math.floor(rnd() * users)}`;
    const mine = byUser.get(user) ?? [];
    byUser.set(user, mine);
    const roll = rnd();
    let event: Event;
    if (mine.length > 0 && rnd() < duplicateRate) {
      event = mine[Math.floor(rnd() * mine.length)]!; // a redelivered (duplicate) event
    } else {
      clock += 1 + Math.floor(rnd() * 3);
      const state = exists.get(user);
      const id = `${prefix}-e${i}`;
      if (state !== 'live' && (state === undefined || roll < 0.5)) {
        event = {
          id,
          type: 'user.created',
          ts: clock,
          data: { user_id: user, username: `name-${i}`, email: `u${i}@example.com`, action: 'create' },
        };
        exists.set(user, 'live');
      } else if (roll < 0.1) {
        event = { id, type: 'user.deleted', ts: clock, data: { user_id: user, action: 'delete' } };
        exists.set(user, 'deleted');
      } else {
        const stale = roll < 0.16 ? 5000 : 0; // an update that was overtaken: older than the row
        const data: Event['data'] = { user_id: user, action: 'update' };
        if (rnd() < 0.8) data.username = `name-${i}`;
        if (rnd() < 0.8) data.email = `u${i}@example.org`;
        event = { id, type: 'user.updated', ts: clock - stale, data };
      }
    }
    mine.push(event);
    emitted.push(event);
  }
  return {
    records: emitted.map((e) => ({
      topic,
      key: e.data.user_id,
      value: JSON.stringify({
        id: e.id,
        type: e.type,
        source: 'user-service',
        version: '1.0',
        timestamp: new Date(e.ts).toISOString(),
        data: e.data,
      }),
    })),
    distinct: new Set(emitted.map((e) => e.id)).size,
    expected: model(emitted),
  };
}

function model(events: Event[]): Map<string, UserRow> {
  const seen = new Set<string>();
  const rows = new Map<string, UserRow>();
  for (const e of events) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    const row = rows.get(e.data.user_id);
    const base = { last_event_id: e.id, updated_at: e.ts };
    if (!row) {
      rows.set(e.data.user_id, {
        ...base,
        username: e.data.username ?? null,
        email: e.data.email ?? null,
        deleted: e.type === 'user.deleted',
        version: 1,
      });
      continue;
    }
    if (row.updated_at > e.ts) continue;
    if (e.type === 'user.created')
      Object.assign(row, base, { username: e.data.username, email: e.data.email, deleted: false });
    else if (e.type === 'user.deleted') Object.assign(row, base, { deleted: true });
    else if (row.deleted) continue;
    else
      Object.assign(row, base, {
        username: e.data.username ?? row.username,
        email: e.data.email ?? row.email,
      });
    row.version += 1;
  }
  return rows;
}

/** The users table as the model's shape. */
export async function readUsers(sql: SqlExecutor, schema: string): Promise<Map<string, UserRow>> {
  const { rows } = await sql.query<UserRow & { user_id: string; updated_at: Date; version: string }>(
    `select user_id, username, email, deleted_at is not null as deleted, last_event_id, version, updated_at from "${schema}".users`,
  );
  return new Map(
    rows.map((r) => [
      r.user_id,
      {
        username: r.username,
        email: r.email,
        deleted: r.deleted,
        last_event_id: r.last_event_id,
        version: Number(r.version),
        updated_at: r.updated_at.getTime(),
      },
    ]),
  );
}

/** Events the service has processed (its dedupe table); 0 before it has created the table. */
export function processedCount(sql: SqlExecutor, schema: string): Promise<number> {
  return countRows(sql, 'consumer_processed_events', schema);
}

/** Waits until processedCount reaches `target`: processing under way, or every distinct event done. */
export function waitForProcessed(
  what: string,
  sql: SqlExecutor,
  schema: string,
  target: CountTarget,
  timeoutMs?: number,
): Promise<number> {
  return waitForCount(what, () => processedCount(sql, schema), target, timeoutMs);
}

/** Drops what a test created in the shared database. */
export async function dropSchema(sql: SqlExecutor, schema: string): Promise<void> {
  await sql.query(`drop schema if exists "${schema}" cascade`);
  await sql
    .query(`delete from streamforge_migrations where id like $1`, [`consumer-users:${schema}:%`])
    .catch(() => undefined);
}

export function uniqueSchema(prefix: string): string {
  return `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
}

/** Produces in chunks: one produce request must stay under the broker's message size limit. */
export async function produceAll(bus: Bus, records: OutgoingRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += 2000) await bus.produce(records.slice(i, i + 2000));
}
