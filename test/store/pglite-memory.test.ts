// Regression (issue 12 item 9): PGlite ran with PostgreSQL's default 128 MB shared_buffers, WASM memory the
// embedded process touched as queues went through and never gave back (idle RSS 500+ MB after a few
// queues; bench/embedded-memory shows the figures). Every way PGliteClient opens a database keeps it small.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PGliteClient } from '../../src/store/index.ts';

async function sharedBuffers(client: PGliteClient): Promise<string> {
  const shown = await client.query<{ shared_buffers: string }>('show shared_buffers');
  await client.close();
  return shown.rows[0]!.shared_buffers;
}

describe('PGliteClient memory settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-pglite-memory-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('in memory, on a new directory (initdb), from the template, and reopened: shared_buffers 16MB', async () => {
    const templateDir = join(dir, 'cache');
    assert.equal(await sharedBuffers(await PGliteClient.open()), '16MB', 'in memory');
    assert.equal(
      await sharedBuffers(await PGliteClient.open({ dataDir: join(dir, 'a'), templateDir })),
      '16MB',
    );
    assert.equal(
      await sharedBuffers(await PGliteClient.open({ dataDir: join(dir, 'b'), templateDir })),
      '16MB',
    );
    assert.equal(
      await sharedBuffers(await PGliteClient.open({ dataDir: join(dir, 'a') })),
      '16MB',
      'reopened',
    );
  });
});
