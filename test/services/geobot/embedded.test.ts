// `streamforge up --geobot`'s wiring: the gateway, ARM and WORKER on the in-memory bus with PGlite.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MemoryBus } from '../../../src/bus/index.ts';
import type { Envelope } from '../../../src/protocol/geobot/envelope.ts';
import { EmbeddedGeobot, GeobotUserStore } from '../../../src/services/geobot/index.ts';
import { PGliteClient } from '../../../src/store/index.ts';
import { silent } from '../../consumer/support.ts';
import { waitFor } from '../../support/wait.ts';

const templateDir = join(tmpdir(), 'streamforge-cache');

describe('geobot embedded (memory bus, PGlite)', () => {
  const bus = new MemoryBus({ releaseConsumed: true });
  const seen: Envelope[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'sf-geobot-'));
  let sql: PGliteClient;
  let geobot: EmbeddedGeobot;

  before(async () => {
    // As `up` opens it: a new directory starts from the saved initdb instead of running it again.
    sql = await PGliteClient.open({ dataDir, templateDir });
    geobot = new EmbeddedGeobot({
      bus,
      sql,
      env: {},
      port: 0,
      host: '127.0.0.1',
      logger: silent,
      onInfo: (e) => seen.push(e),
    });
    await geobot.start();
  });
  after(async () => {
    await geobot.close();
    await bus.close();
    await sql.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a POST with the stored row on info_in, and runs tasks', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`http://127.0.0.1:${geobot.port}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    assert.equal((await post('/create_user', { user_id: 'e1', username: 'eve' })).status, 202);
    const reply = await waitFor('the ARM reply', () => seen.find((e) => e.service === 'arm'));
    const row = await new GeobotUserStore(sql).get('e1');
    assert.deepEqual(reply.payload.data, { ...row, outcome: 'created' });

    const points = [
      { lat: 0, lon: 0 },
      { lat: 0, lon: 1 },
    ];
    assert.equal((await post('/start_task', { task_id: 'e-t', type: 'route_length', points })).status, 202);
    const done = await waitFor('the task result', () =>
      seen.find((e) => (e.payload.data as { status?: string }).status === 'done'),
    );
    assert.equal((done.payload.data as { task_id: string }).task_id, 'e-t');
  });
});
