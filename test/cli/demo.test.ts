// The README's first command: the product runs with no infrastructure at all.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { it } from 'node:test';
import { CLI } from '../services/dummy/dummy-harness.ts';

it('streamforge demo: two jobs on the embedded bus answer every ping and stop on one command', async () => {
  const child = spawn(process.execPath, [CLI, 'demo', '--pings', '2', '--port', '0'], {
    env: { PATH: process.env.PATH },
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  assert.equal(code, 0, output);
  assert.equal(output.match(/^pong from dummy-service__\w{6} in [\d.]+ ms/gm)?.length, 4);
  assert.match(output, /round trips: 4/);
  assert.match(output, /jobs ended: interrupted, interrupted/);
  assert.equal(output.match(/ interrupted +dummy-service__/g)?.length, 2);
});
