// Seed 004, example 1, end to end through `streamforge up` (embedded: in-process jobs, memory bus, PGlite)
// against the Binance peer: a month of 5m candles and its trades, loaded, stored, made a graph, trained
// on. Every job is the real one. The queue finishes; graph and model are read back from the PGlite the
// jobs wrote; the trainer's final event carries test accuracy and baselines.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PGliteClient } from '../../src/store/index.ts';
import type { BinancePeer } from '../support/binance-peer/binance-peer.ts';
import type { CliProcess } from '../support/cli.ts';
import { startUpWithPeer, stopUpWithPeer } from '../support/up-with-peer.ts';
import {
  EXAMPLE_1,
  RANGE,
  assertExample1Finished,
  assertStored,
  rangeTrades,
  waitFinished,
} from './analytics-support.ts';

// One trade a minute keeps a month's trades at 43,200 (Binance has millions): the same pipeline, a load
// this shared 2-core machine can take. The range is the seed's first week unless E2E_FULL_MONTH=1
// (analytics-support.ts); `npm run bench:graph-builder` builds a month with a million trades.
const TRADES_PER_MINUTE = 1;

describe('seed 004 example 1 through streamforge up, every job real', () => {
  let peer: BinancePeer;
  let up: CliProcess;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), 'sf-analytics-up-'));

  before(async () => {
    ({ peer, up, url } = await startUpWithPeer(dir, { tradesPerMinute: TRADES_PER_MINUTE }));
  });
  after(() => stopUpWithPeer({ peer, up }, dir));

  it('finishes with the graph and the model in PGlite and the scores in the final telemetry', async () => {
    const started = performance.now();
    const res = await fetch(`${url}/queues/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(EXAMPLE_1),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const { queue_id: queueId } = (await res.json()) as { queue_id: string };
    const view = await waitFinished(url, queueId, 150_000);
    const seconds = (performance.now() - started) / 1000;
    const trainer = assertExample1Finished(view, rangeTrades(peer.market));

    assert.equal(await up.stop('SIGTERM'), 0);
    const store = await PGliteClient.open({ dataDir: dir });
    try {
      const stored = await assertStored(store, trainer);
      const e = trainer.last_event;
      console.log(
        `# embedded, ${RANGE.text}: queue finished in ${seconds.toFixed(1)} s; graph ${stored.nodes} nodes, ${stored.edges} edges; ` +
          `test accuracy ${String(e.test_accuracy)}, majority ${String(e.baseline_majority_accuracy)}, ` +
          `logistic regression ${String(e.baseline_logistic_regression_accuracy)}; ` +
          view.jobs.map((j) => `${j.target}/${j.type} ${durationOf(j)} s`).join(', '),
      );
    } finally {
      await store.close();
    }
  });
});

function durationOf(job: { launched_at: string; finished_at: string }): string {
  return ((Date.parse(job.finished_at) - Date.parse(job.launched_at)) / 1000).toFixed(1);
}
