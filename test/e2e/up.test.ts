// `streamforge up` as a user runs it: a child process on a free port with a fresh data directory,
// driven over HTTP only: start a queue, watch it to completion, stop another, restart, find them again.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { waitFor } from '../support/wait.ts';
import type { Answer } from '../services/queue-manager/harness.ts';

const CLI = resolve(import.meta.dirname, '../../bin/streamforge.js');
const dataDir = mkdtempSync(join(tmpdir(), 'sf-up-e2e-'));

interface Up {
  child: ChildProcess;
  url: string;
  output: () => string;
}

async function up(): Promise<Up> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'up',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--job-seconds',
      '1',
      '--loading-interval',
      '0.2',
      '--log-level',
      'warn',
    ],
    {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await waitFor(
    'streamforge up to print its URL',
    () => /StreamForge is up in [\d.]+ s: (http:\/\/\S+)/.exec(output)?.[1],
    60_000,
  ).catch((error: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${error.message}\n${output}`);
  });
  return { child, url, output: () => output };
}

async function down(instance: Up): Promise<number | null> {
  const exited = new Promise<number | null>((done) => instance.child.once('exit', (code) => done(code)));
  instance.child.kill('SIGTERM');
  return exited;
}

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: Answer }> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as Answer };
}

const post = (url: string, body?: unknown) =>
  json(url, {
    method: 'POST',
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });

describe('streamforge up, end to end over HTTP', () => {
  const running: Up[] = [];
  after(() => {
    for (const instance of running) if (instance.child.exitCode === null) instance.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts, runs a queue to completion, stops another, shuts down cleanly and keeps its state', async () => {
    const first = await up();
    running.push(first);
    assert.match(first.output(), /curl -s -X POST .*\/queues\/start/, 'prints a curl example');
    assert.equal((await json(`${first.url}/health/ready`)).status, 200);

    const historical = await post(`${first.url}/queues/start`, {
      symbol: 'BTCUSDT',
      time_range: '2024-06-01:2024-06-02',
      // Synthetic candles: the real loader and connector, no network (Binance is not reachable here).
      requests: [
        { target: 'loader-producer', type: 'synthetic_candles_1h' },
        { target: 'arango-connector', type: 'synthetic_candles_1h' },
        {
          target: 'graph-builder',
          type: 'gnn_graph',
          collection_inputs: ['btc_candles_1h_2024_06'],
          collection_output: 'btc_graph_2024_06',
        },
      ],
    });
    assert.equal(historical.status, 201, JSON.stringify(historical.body));
    const id = historical.body.queue_id;
    const done = await waitFor(
      'the queue to finish',
      async () => {
        const { body } = await json(`${first.url}/queues/${id}`);
        return body.status === 'finished' ? body : undefined;
      },
      30_000,
    );
    assert.deepEqual(
      done.jobs.map((j) => j.status),
      ['finished', 'finished', 'finished'],
    );
    assert.equal(done.jobs[0]!.records_written, 48, 'two days of hourly candles loaded');
    assert.equal(done.jobs[1]!.records_written, 48, 'and written by the connector');
    assert.ok(
      Date.parse(done.jobs[2]!.launched_at) >= Date.parse(done.jobs[1]!.finished_at),
      'the graph waited for the connector',
    );

    const live = await post(`${first.url}/queues/start`, {
      symbol: 'ETHUSDT',
      time_range: '2024-08-01:2024-08-01',
      requests: [
        {
          target: 'gnn-trainer',
          type: 'realtime_gnn_infer',
          graph_collection: 'btc_graph_2024_06',
          inference_interval: '5m',
        },
        { target: 'visualizer', type: 'graph_metrics_stream', source: 'btc_graph_2024_06' },
      ],
    });
    const liveId = live.body.queue_id;
    await waitFor('the live queue running', async () =>
      (await json(`${first.url}/queues/${liveId}`)).body.jobs.every((j) => j.status === 'running'),
    );
    assert.equal((await post(`${first.url}/queues/${liveId}/stop`)).status, 202);
    await waitFor(
      'the live queue stopped',
      async () => (await json(`${first.url}/queues/${liveId}`)).body.status === 'stopped',
    );

    assert.equal(await down(first), 0, `exit code 0 on SIGTERM\n${first.output()}`);

    const second = await up();
    running.push(second);
    const list = await json(`${second.url}/queues`);
    assert.deepEqual(
      list.body.items.map((q) => [q.queue_id, q.status]),
      [
        [liveId, 'stopped'],
        [id, 'finished'],
      ],
      'the state survived the restart',
    );
    assert.equal(await down(second), 0);
  });
});
