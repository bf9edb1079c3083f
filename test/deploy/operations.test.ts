// docs/operations.md's shell blocks, run as an operator would: every block is marked `ops-test: <id>`
// (run here) or `cluster` (needs a cluster). The backup and restore blocks run against the PostgreSQL
// at 127.0.0.1:5432, on a scratch database holding a real queue written by the manager's own store.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { QUEUE_MANAGER_MIGRATIONS } from '../../src/services/queue-manager/migrations.ts';
import { planQueue } from '../../src/services/queue-manager/request/plan.ts';
import { QueueStore } from '../../src/services/queue-manager/store/queue-store.ts';
import { createJobCatalog } from '../../src/services/job-catalogue.ts';
import { PostgresClient, migrate } from '../../src/store/index.ts';
import { testDatabaseUrl } from '../support/postgres.ts';
import { kubectl } from './support/kustomize.ts';
import { promtoolMissing } from './support/prometheus-server.ts';

const root = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'operations.md'), 'utf8');
const BLOCK = /<!-- (ops-test: ([\w-]+)|cluster) -->\s*\n\s*```sh\n([\s\S]*?)```/g;
const blocks = new Map([...doc.matchAll(BLOCK)].filter((m) => m[2]).map((m) => [m[2]!, m[3]!]));

/** Runs a block with bash -euo pipefail in `cwd`, with PATH and `env` only; fails with its output. */
function runBlock(id: string, cwd: string, env: Record<string, string> = {}): string {
  const script = blocks.get(id);
  assert.ok(script, `docs/operations.md has no ops-test block "${id}"`);
  const run = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 120_000,
    // Not a socket on stdin: bash would take itself for an ssh session and read /etc/bash.bashrc.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  assert.equal(run.status, 0, `block ${id} failed:\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

/** A folder like the repository's root for the blocks (they name deploy/… relative to it). */
function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sf-ops-'));
  symlinkSync(join(root, 'deploy'), join(dir, 'deploy'));
  symlinkSync(join(root, 'scripts'), join(dir, 'scripts'));
  return dir;
}

describe('docs/operations.md', () => {
  it('marks every shell block as run here or needing a cluster', () => {
    const all = [...doc.matchAll(/```sh\n/g)].length;
    const marked = [...doc.matchAll(BLOCK)].length;
    assert.equal(marked, all, 'a ```sh block without <!-- ops-test: id --> or <!-- cluster -->');
    assert.deepEqual([...blocks.keys()].sort(), [
      'backup',
      'backup-manager',
      'database',
      'render',
      'restore',
      'rules',
    ]);
  });

  it('render: the overlays and the Strimzi resources render with kubectl kustomize', (t) => {
    if ('skip' in kubectl) return t.skip(kubectl.skip);
    const dir = workDir();
    try {
      const counts = runBlock('render', dir);
      assert.match(counts, /distributed\.yaml:1[0-9]\b/);
      assert.match(counts, /embedded\.yaml:\d+/);
      assert.match(counts, /strimzi\.yaml:12\b/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rules: promtool checks and unit-tests the alert rules', (t) => {
    if (promtoolMissing) return t.skip(promtoolMissing);
    const dir = workDir();
    try {
      assert.match(runBlock('rules', dir), /SUCCESS/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('database, backup and restore on the real PostgreSQL', () => {
    const prefix = `sf_ops_${Math.random().toString(36).slice(2, 8)}`;
    const server = new URL(testDatabaseUrl);
    const urlOf = (database: string, user = 'postgres'): string => {
      const url = new URL(server);
      url.username = user;
      url.pathname = `/${database}`;
      return url.toString();
    };
    const env = {
      ADMIN_URL: urlOf('postgres'),
      DB_PREFIX: prefix,
      MANAGER_DB_PASSWORD: 'ops-test-manager',
      JOBS_DB_PASSWORD: 'ops-test-jobs',
      DATABASE_URL: urlOf(prefix, `${prefix}_manager`),
      RESTORE_DB: `${prefix}_restored`,
      RESTORE_URL: urlOf(`${prefix}_restored`),
    };
    const dir = mkdtempSync(join(tmpdir(), 'sf-ops-db-'));
    const admin = new PostgresClient({ connectionString: env.ADMIN_URL });
    let queueId = '';

    before(() => admin.connect());
    after(async () => {
      for (const db of [env.RESTORE_DB, prefix])
        await admin.query(`drop database if exists ${db} with (force)`);
      for (const role of [`${prefix}_manager`, `${prefix}_jobs`])
        await admin.query(`drop role if exists ${role}`);
      await admin.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('database: creates the roles and the database the manager migrates and writes', async () => {
      runBlock('database', dir, env);
      // The manager's own code, as its role: migrations, then one queue of seed 004's first example.
      const sql = new PostgresClient({ connectionString: env.DATABASE_URL });
      await sql.connect();
      try {
        assert.equal((await migrate(sql, QUEUE_MANAGER_MIGRATIONS)).length, QUEUE_MANAGER_MIGRATIONS.length);
        const plan = planQueue(
          {
            symbol: 'BTCUSDT',
            time_range: '2024-06-01:2024-06-30',
            requests: [
              { target: 'loader-producer', type: 'api_candles_5m', interval: '5m' },
              { target: 'arango-connector', type: 'api_candles_5m' },
            ],
          },
          createJobCatalog(),
        );
        await new QueueStore(sql).create(plan);
        queueId = plan.queueId;
      } finally {
        await sql.close();
      }
    });

    it('backup and restore: the restored database holds the same state and needs no migration', async () => {
      assert.ok(queueId, 'the database block ran');
      const tables = Number(runBlock('backup', dir, env).trim());
      assert.ok(tables >= 3, `only ${tables} tables with data in the dump`);
      runBlock('backup-manager', dir, env);
      const listing = spawnSync('pg_restore', ['--list', join(dir, 'streamforge-manager.dump')], {
        encoding: 'utf8',
      });
      assert.match(listing.stdout, /TABLE DATA public qm_queues/);
      assert.match(runBlock('restore', dir, env), /^1$/m); // the restored queue count

      const source = new PostgresClient({ connectionString: env.DATABASE_URL });
      const restored = new PostgresClient({ connectionString: env.RESTORE_URL });
      await Promise.all([source.connect(), restored.connect()]);
      try {
        for (const table of ['qm_queues', 'qm_jobs', 'qm_launches', 'streamforge_migrations']) {
          const rows = async (c: PostgresClient) => (await c.query(`select * from ${table} order by 1`)).rows;
          assert.deepEqual(await rows(restored), await rows(source), table);
        }
        assert.deepEqual(await migrate(restored, QUEUE_MANAGER_MIGRATIONS), []);
        // Owners and grants came along: the manager owns its tables, the jobs' role may create datasets.
        const { rows } = await restored.query<{ owner: string; jobs: boolean }>(
          `select tableowner as owner, has_schema_privilege($1, 'public', 'create') as jobs
             from pg_tables where tablename = 'qm_queues'`,
          [`${prefix}_jobs`],
        );
        assert.deepEqual(rows, [{ owner: `${prefix}_manager`, jobs: true }]);
        const queue = await new QueueStore(restored).queue(queueId);
        assert.equal(queue?.queue_id, queueId);
      } finally {
        await Promise.all([source.close(), restored.close()]);
      }
    });
  });
});
