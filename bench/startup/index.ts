// bench/startup: how long `streamforge up` takes as a user sees it, from the command to the first 200 of
// /health/ready: the very first run on a machine (fresh data directory, cold compile cache, no saved
// PGlite initdb: a TMPDIR of its own), on a fresh directory, and on a reused one. In the same run, the floors: a bare `node -e` start (to exit), and a
// bare Fastify server answering /health/ready (to its first 200). Each figure is the median of --runs.
//   npm run bench:startup [-- --runs 5 --npx]
// --npx also measures `npx streamforge up` (npm's own start-up comes on top).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../support/free-port.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, npx: { type: 'boolean', default: false } },
});
const runs = Number(values.runs);
const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'streamforge.js');
const scratch = mkdtempSync(join(tmpdir(), 'sf-bench-startup-'));

/** Polls /health/ready until it answers 200; resolves to the ms since `t0`. */
async function readyAfter(port: number, t0: number, exited: () => boolean): Promise<number> {
  for (;;) {
    if (exited()) throw new Error('the process ended before it was ready');
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return performance.now() - t0;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Starts `command args…`, waits until /health/ready answers 200 on `port`, stops it; returns the ms to ready. */
async function timeToReady(
  command: string,
  args: string[],
  port: number,
  env: NodeJS.ProcessEnv = {},
): Promise<number> {
  const t0 = performance.now();
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    // Its own process group: npx runs streamforge as a grandchild, which must be gone too before the next
    // run reuses the data directory (npx exits on SIGTERM before its child has closed the database).
    detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exit = once(child, 'exit');
  try {
    return await readyAfter(port, t0, () => child.exitCode !== null);
  } catch (error) {
    throw new Error(`${(error as Error).message}: ${stderr}`, { cause: error });
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await exit;
    await groupGone(child.pid!);
  }
}

/** Resolves once no process of the group `pgid` is left. */
async function groupGone(pgid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function nodeBare(): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await once(child, 'exit');
  return performance.now() - t0;
}

const BARE_FASTIFY = `
  const { default: Fastify } = await import('fastify');
  const app = Fastify();
  app.get('/health/ready', async () => ({ status: 'ok' }));
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
  process.on('SIGTERM', () => app.close());`;

async function fastifyBare(): Promise<number> {
  const port = await freePort();
  return timeToReady(process.execPath, ['--input-type=module', '-e', BARE_FASTIFY], port, {
    PORT: String(port),
  });
}

/**
 * `streamforge up` on `dataDir`; `coldTmp` an empty directory to use as TMPDIR and NODE_COMPILE_CACHE,
 * so neither V8's compile cache nor the saved PGlite initdb (both kept in the OS temp dir) helps.
 */
async function up(dataDir: string, viaNpx: boolean, coldTmp?: string): Promise<number> {
  const port = await freePort();
  const args = ['up', '--port', String(port), '--data-dir', dataDir];
  if (coldTmp !== undefined) mkdirSync(coldTmp, { recursive: true });
  const env = coldTmp === undefined ? {} : { NODE_COMPILE_CACHE: coldTmp, TMPDIR: coldTmp };
  return viaNpx
    ? timeToReady('npx', ['streamforge', ...args], port, env)
    : timeToReady(process.execPath, [bin, ...args], port, env);
}

const median = (xs: number[]): number => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const rows: { what: string; samples: number[] }[] = [];

async function measure(what: string, once: (i: number) => Promise<number>): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) samples.push(await once(i));
  rows.push({ what, samples });
  const sorted = samples.toSorted((a, b) => a - b);
  console.log(
    `${what.padEnd(52)} median ${seconds(median(samples))}  (min ${seconds(sorted[0]!)}, max ${seconds(sorted.at(-1)!)})`,
  );
}

console.log(`streamforge up, command → /health/ready 200, ${runs} runs each (Node ${process.version})\n`);
try {
  await measure('floor: node -e 0 (start to exit)', () => nodeBare());
  await measure('floor: bare Fastify, /health/ready', () => fastifyBare());
  const modes = values.npx ? [false, true] : [false];
  for (const viaNpx of modes) {
    const how = viaNpx ? 'npx streamforge up' : 'node bin/streamforge.js up';
    await measure(`${how}: first run on this machine`, (i) =>
      up(join(scratch, `cold-${String(viaNpx)}-${i}`), viaNpx, join(scratch, `tmp-${String(viaNpx)}-${i}`)),
    );
    await measure(`${how}: fresh data dir`, (i) => up(join(scratch, `fresh-${String(viaNpx)}-${i}`), viaNpx));
    const reused = join(scratch, `reused-${String(viaNpx)}`);
    await up(reused, viaNpx);
    await measure(`${how}: reused data dir`, () => up(reused, viaNpx));
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
