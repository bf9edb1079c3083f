import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dummyCommand } from '../../src/cli/commands/dummy.ts';

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

describe('README: dummy-service', () => {
  it('its flag table lists every flag `streamforge dummy --help` documents', () => {
    // Regression: --records-per-tick was in the help, not in the README's table.
    const helpFlags = new Set(dummyCommand.help.match(/^ {2}--[a-z-]+/gm)?.map((f) => f.trim()));
    const section = readme.slice(readme.indexOf('## dummy-service'), readme.indexOf('## The debug CLI'));
    const tableFlags = new Set(section.match(/^\| `--[a-z-]+/gm)?.map((row) => row.slice(3)));
    assert.ok(helpFlags.size >= 8, 'the help lists the flags');
    assert.deepEqual([...tableFlags].sort(), [...helpFlags].sort());
  });
});
