// bench/embedded-memory: the resident memory of `streamforge up` (the embedded mode: memory bus,
// PGlite, in-process jobs) before any queue, after each of N synthetic queues run one after another
// over the REST API, and idle after them. Each queue is a synthetic loader-producer and the
// arango-connector draining its topic into PGlite, so its records pass through the in-memory bus.
// Issue 12 item 9: the bus kept every record of every queue (7 queues: 490 MB → 1.28 GB, and it stayed);
// the goal is idle RSS back at ≤ 400 MB after the runs.
//   npm run bench:embedded-memory [-- --queues 7 --records 200000 --idle-seconds 30]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    queues: { type: 'string', default: '7' },
    records: { type: 'string', default: '200000' },
    'idle-seconds': { type: 'string', default: '30' },
    'goal-mb': { type: 'string', default: '400' },
  },
});
const queues = Number(values.queues);
const records = Number(values.records);
const idleSeconds = Number(values['idle-seconds']);
const goalMb = Number(values['goal-mb']);
const CLI = resolve(import.meta.dirname, '../../bin/streamforge.js');
const dataDir = mkdtempSync(join(tmpdir(), 'sf-bench-memory-'));

/** VmRSS of a process in MB, from the kernel's own accounting. */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) / 1024;
}

async function json(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
  const res = await fetch(url, init);
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** Lowest RSS seen while waiting: idle memory settles as V8's memory reducer collects and unmaps. */
async function idleRss(pid: number, seconds: number): Promise<{ last: number; low: number }> {
  let low = Infinity;
  let last = 0;
  for (let waited = 0; waited < seconds; waited += 1) {
    await sleep(1000);
    last = rssMb(pid);
    low = Math.min(low, last);
  }
  return { last, low };
}

const child = spawn(
  process.execPath,
  [CLI, 'up', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'],
  { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
);
let output = '';
child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
const pid = child.pid!;
const mb = (n: number): string => `${n.toFixed(0)} MB`;

try {
  let url: string | undefined;
  for (let i = 0; i < 600 && url === undefined; i += 1) {
    if (child.exitCode !== null) throw new Error(`streamforge up exited: ${output}`);
    url = /StreamForge is up in [\d.]+ s: (http:\/\/\S+)/.exec(output)?.[1];
    if (url === undefined) await sleep(100);
  }
  if (url === undefined) throw new Error(`streamforge up did not start in 60 s: ${output}`);
  console.log(
    `streamforge up (pid ${pid}), ${queues} queues of ${records.toLocaleString('en-US')} synthetic 1m candles each, one after another`,
  );
  const before = await idleRss(pid, 5);
  console.log(`idle before:        ${mb(before.last)}`);
  const peaks: number[] = [];
  for (let q = 1; q <= queues; q += 1) {
    const type = 'synthetic_candles_1m';
    const started = await json(`${url}/queues/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        symbol: 'BTCUSDT',
        // A range starting on another day per queue: its own collection, as separate queues would have.
        time_range: `${new Date(Date.UTC(2020, q - 1, 1)).toISOString().slice(0, 10)}:2030-12-31`,
        requests: [
          { target: 'loader-producer', type, synthetic_records: records, synthetic_seed: q },
          { target: 'arango-connector', type },
        ],
      }),
    });
    const id = String(started.queue_id);
    const t0 = performance.now();
    let peak = 0;
    for (;;) {
      await sleep(250);
      peak = Math.max(peak, rssMb(pid));
      const { status } = await json(`${url}/queues/${id}`);
      if (status === 'finished') break;
      if (status === 'failed' || status === 'stopped') throw new Error(`queue ${id} ${String(status)}`);
    }
    await sleep(2000); // the manager releases a finished queue's data topics as it folds the last event
    const after = rssMb(pid);
    peaks.push(peak);
    console.log(
      `after queue ${q}:      ${mb(after)} (peak while running ${mb(peak)}, ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
  }
  const idle = await idleRss(pid, idleSeconds);
  console.log(`idle after ${idleSeconds} s:   ${mb(idle.last)} (lowest ${mb(idle.low)})`);
  const met = idle.last <= goalMb;
  console.log(`goal: idle ≤ ${goalMb} MB after the runs: ${met ? 'met' : 'NOT met'}`);
  process.exitCode = met ? 0 : 1;
} finally {
  child.kill('SIGTERM');
  await new Promise((done) => child.once('exit', done));
  rmSync(dataDir, { recursive: true, force: true });
}
