// The users table rules on the real PostgreSQL: idempotent, stale-proof, deletes that stay deleted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BusRecord } from '../../../src/bus/index.ts';
import { UserStore, type UserEvent } from '../../../src/services/consumer/index.ts';
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
const ev = (id: string, type: string, minute: number, data: UserEvent['data']): UserEvent => ({
  id,
  type,
  timestamp: `2024-01-01T00:${String(minute).padStart(2, '0')}:00Z`,
  record: record(),
  data,
});

describe('UserStore', () => {
  let sql: PostgresClient;
  let store: UserStore;
  const schema = uniqueSchema('users');
  const outcomes: string[] = [];

  before(async () => {
    sql = new PostgresClient({ connectionString: DATABASE_URL });
    store = new UserStore(sql, schema, (type, outcome) => outcomes.push(`${type}:${outcome}`));
    assert.equal((await migrate(sql, store.migrations())).length, 1);
    assert.equal((await migrate(sql, store.migrations())).length, 0, 'migrations apply once');
  });
  after(async () => {
    await dropSchema(sql, schema);
    await sql.close();
  });

  it('applies each event once and never lets an older one overwrite a newer', async () => {
    const created = ev('c1', 'user.created', 1, {
      user_id: 'ann',
      username: 'ann',
      email: 'ann@example.com',
    });
    assert.deepEqual(await store.apply([created]), ['applied']);
    assert.deepEqual(
      await store.apply([
        created,
        ev('u1', 'user.updated', 5, { user_id: 'ann', email: 'ann@new.org' }),
        ev('u0', 'user.updated', 3, { user_id: 'ann', username: 'stale' }),
        ev('u1', 'user.updated', 5, { user_id: 'ann', email: 'ann@new.org' }),
      ]),
      ['duplicate', 'applied', 'stale', 'duplicate'],
    );
    const ann = (await readUsers(sql, schema)).get('ann');
    assert.deepEqual(
      { username: ann?.username, email: ann?.email, version: ann?.version, last: ann?.last_event_id },
      { username: 'ann', email: 'ann@new.org', version: 2, last: 'u1' },
    );
    assert.deepEqual(outcomes.slice(0, 2), ['user.created:applied', 'user.created:duplicate']);
  });

  it('keeps a tombstone: a late update cannot bring a deleted user back, a newer create can', async () => {
    assert.deepEqual(
      await store.apply([
        ev('d1', 'user.deleted', 10, { user_id: 'bob' }),
        ev('c2', 'user.created', 9, { user_id: 'bob', username: 'b', email: 'b@x.io' }),
        ev('u2', 'user.updated', 11, { user_id: 'bob', username: 'zombie' }),
      ]),
      ['applied', 'stale', 'stale'],
    );
    let bob = (await readUsers(sql, schema)).get('bob');
    assert.deepEqual([bob?.deleted, bob?.username], [true, null]);
    await store.apply([ev('c3', 'user.created', 12, { user_id: 'bob', username: 'bob2', email: 'b@x.io' })]);
    bob = (await readUsers(sql, schema)).get('bob');
    assert.deepEqual([bob?.deleted, bob?.username, bob?.version], [false, 'bob2', 2]);
  });

  it('applies a batch all or nothing, when its work ends', async () => {
    const before = await readUsers(sql, schema);
    await assert.rejects(
      store.batch(async () => {
        await store.submit(ev('c4', 'user.created', 20, { user_id: 'cy', username: 'cy', email: 'c@y.io' }));
        await store.submit(ev('x1', 'user.renamed', 21, { user_id: 'cy' }));
        assert.equal(
          (await readUsers(sql, schema)).has('cy'),
          false,
          'nothing is written before the batch ends',
        );
      }),
      /unknown event type user.renamed/,
    );
    assert.deepEqual(await readUsers(sql, schema), before, 'the failed batch left nothing behind');
    await store.batch(() =>
      store.submit(ev('c4', 'user.created', 20, { user_id: 'cy', username: 'cy', email: 'c@y.io' })),
    );
    assert.equal((await readUsers(sql, schema)).get('cy')?.username, 'cy');
  });
});
