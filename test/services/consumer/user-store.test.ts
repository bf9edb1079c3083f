// The users table rules on the real PostgreSQL: idempotent, stale-proof, deletes that stay deleted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BusRecord } from '../../../src/bus/index.ts';
import { UserStore } from '../../../src/services/consumer/index.ts';
import { PostgresClient, migrate } from '../../../src/store/index.ts';
import { dropSchema, readUsers, uniqueSchema } from './user-events.ts';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let offset = 0n;
const record = (): BusRecord => ({
  topic: 't',
  partition: 0,
  offset: offset++,
  key: null,
  value: null,
  headers: {},
  timestamp: 0,
});
const at = (minute: number) => `2024-01-01T00:${String(minute).padStart(2, '0')}:00Z`;
const ev = (id: string, type: string, minute: number) => ({
  id,
  type,
  timestamp: at(minute),
  record: record(),
});

describe('UserStore', () => {
  let sql: PostgresClient;
  let store: UserStore;
  const schema = uniqueSchema('users');

  before(async () => {
    sql = new PostgresClient({ connectionString: DATABASE_URL });
    store = new UserStore(sql, schema);
    assert.equal((await migrate(sql, store.migrations())).length, 1);
    assert.equal((await migrate(sql, store.migrations())).length, 0, 'migrations apply once');
  });
  after(async () => {
    await dropSchema(sql, schema);
    await sql.close();
  });

  it('applies each event once and never lets an older one overwrite a newer', async () => {
    const data = { user_id: 'ann', username: 'ann', email: 'ann@example.com' };
    assert.equal(await store.created(ev('c1', 'user.created', 1), data), 'applied');
    assert.equal(await store.created(ev('c1', 'user.created', 1), data), 'duplicate');
    assert.equal(
      await store.updated(ev('u1', 'user.updated', 5), { user_id: 'ann', email: 'ann@new.org' }),
      'applied',
    );
    assert.equal(
      await store.updated(ev('u0', 'user.updated', 3), { user_id: 'ann', username: 'stale' }),
      'stale',
    );
    const ann = (await readUsers(sql, schema)).get('ann');
    assert.deepEqual(
      { username: ann?.username, email: ann?.email, version: ann?.version, last: ann?.last_event_id },
      { username: 'ann', email: 'ann@new.org', version: 2, last: 'u1' },
    );
  });

  it('keeps a tombstone: a late update cannot bring a deleted user back, a newer create can', async () => {
    assert.equal(
      await store.deleted(ev('d1', 'user.deleted', 10), { user_id: 'bob' }),
      'applied',
      'delete before create',
    );
    assert.equal(
      await store.created(ev('c2', 'user.created', 9), { user_id: 'bob', username: 'b', email: 'b@x.io' }),
      'stale',
    );
    assert.equal(
      await store.updated(ev('u2', 'user.updated', 11), { user_id: 'bob', username: 'zombie' }),
      'stale',
    );
    let bob = (await readUsers(sql, schema)).get('bob');
    assert.equal(bob?.deleted, true);
    assert.equal(bob?.username, null);
    assert.equal(
      await store.created(ev('c3', 'user.created', 12), {
        user_id: 'bob',
        username: 'bob2',
        email: 'b@x.io',
      }),
      'applied',
    );
    bob = (await readUsers(sql, schema)).get('bob');
    assert.deepEqual([bob?.deleted, bob?.username, bob?.version], [false, 'bob2', 2]);
  });
});
