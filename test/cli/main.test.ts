import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loaderDefinition } from '../../src/services/loader/definition.ts';
import { CANDLE_INTERVALS } from '../../src/protocol/index.ts';
import { CLI } from '../services/dummy/dummy-harness.ts';

function streamforge(args: string[], nodeArgs: string[] = [], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [...nodeArgs, CLI, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('streamforge (the command index)', () => {
  it('lists every command, and each one prints its own help', () => {
    const top = streamforge(['--help']);
    assert.equal(top.code, 0, top.err);
    const names = [...top.out.matchAll(/^ {2}([a-z-]+) {2,}\S/gm)].map((m) => m[1]!);
    assert.deepEqual(names, [
      'up',
      'queue-manager',
      'demo',
      'dummy',
      'debug',
      'consumer',
      'geobot-logger',
      'loader',
      'connector',
      'graph-builder',
      'gnn-trainer',
      'visualizer',
      'geobot-gateway',
      'geobot-arm',
      'geobot-worker',
      'collection',
    ]);
    for (const name of names) {
      const help = streamforge([name, '--help']);
      assert.equal(help.code, 0, `${name} --help: ${help.err}`);
      assert.match(help.out, new RegExp(`^Usage: streamforge ${name}\\b`), name);
    }
  });

  it('loader --help lists exactly the candle intervals a queue accepts', () => {
    // Regression: the help listed 1M, which POST /queues/start refuses.
    const help = streamforge(['loader', '--help']).out;
    const listed = /api_candles_<interval> .*\(interval ([^)]*)\)/.exec(help)?.[1]?.split(' ') ?? [];
    const loaderRules = loaderDefinition.types;
    const accepted = CANDLE_INTERVALS.filter((i) =>
      loaderRules.some((r) => r.pattern.test(`api_candles_${i}`)),
    );
    assert.deepEqual(listed, accepted);
  });

  it('names an unknown command and exits 2', () => {
    const run = streamforge(['lodaer']);
    assert.equal(run.code, 2);
    assert.match(run.err, /unknown command "lodaer"/);
    assert.match(run.err, /loader {2,}run loader-producer/);
  });

  it('a job command loads only its own modules: no queue manager, Fastify or Kubernetes client', () => {
    // Regression: main.ts imported every command, so each job process paid 0.7 s of CPU for them.
    const dir = mkdtempSync(join(tmpdir(), 'sf-imports-'));
    try {
      const file = join(dir, 'imports.txt');
      const support = join(import.meta.dirname, '..', 'support', 'trace-imports.ts');
      for (const command of ['loader', 'connector', 'graph-builder', 'gnn-trainer']) {
        const run = streamforge([command, '--help'], ['--import', support], { TRACE_IMPORTS_FILE: file });
        assert.equal(run.code, 0, run.err);
        const loaded = readFileSync(file, 'utf8').split('\n');
        assert.ok(
          loaded.some((url) => url.includes(`/src/services/${command}/`)),
          command,
        );
        for (const heavy of ['/src/services/queue-manager/', '/node_modules/fastify/', '/@kubernetes/'])
          assert.ok(!loaded.some((url) => url.includes(heavy)), `${command} loaded ${heavy}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
