// `streamforge geobot-logger` as a user runs it without a sink: a clear exit 2 (main.test.ts checks its --help).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { CLI } from '../services/dummy/dummy-harness.ts';

function streamforge(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [CLI, 'geobot-logger', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('streamforge geobot-logger', () => {
  it('exits 2 naming both variables when neither Elasticsearch nor PostgreSQL is configured', () => {
    const run = streamforge([]);
    assert.equal(run.code, 2);
    assert.match(run.err, /neither ELASTICSEARCH_URL nor DATABASE_URL is set.*\[SF_INVALID_CONFIG\]/);
  });
});
