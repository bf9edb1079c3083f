// `streamforge up` as a user runs it: a busy port is refused before the database is opened.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCli } from '../support/cli.ts';

describe('streamforge up', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sf-up-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('on a busy port says so with SF_PORT_IN_USE and --port, without a stack trace or opening the database', async () => {
    // Regression: it opened PGlite and migrated (9 s), then died with a raw EADDRINUSE stack trace.
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as { port: number };
    try {
      const dataDir = join(dir, 'busy');
      const cli = startCli(['up', '--port', String(port), '--data-dir', dataDir], {});
      const code = await cli.exit;
      const output = cli.output();
      assert.equal(code, 1, output);
      assert.match(output, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use`));
      assert.match(output, /--port/);
      assert.match(output, /\[SF_PORT_IN_USE\]/);
      assert.doesNotMatch(output, /^\s+at /m, 'no stack trace');
      assert.ok(!existsSync(join(dataDir, 'pgdata')), 'the database was opened before the port was checked');
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });
});
