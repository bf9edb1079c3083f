// Seed 004, example 2 (the live pipeline) through `streamforge up` against the Binance peer's streams:
// the ws loaders and connectors fill the live collections, realtime_graph builds the graph and extends it
// as 1m windows close, realtime_gnn_infer scores the new windows with the model of a 1m graph trained
// before, and the queue stops cleanly. The visualizer is still played by dummy-service.
//
// Differences from the seed's payload, and why: the range is today (the peer streams the present: a
// past day would be loaded from REST and end), and inference_interval is 2s instead of 5m (a test cannot
// wait 5 minutes for the first scores). It waits for one 1m window to close live: up to about 70 s.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PGliteClient } from '../../src/store/index.ts';
import type { BinancePeer } from '../support/binance-peer/binance-peer.ts';
import type { CliProcess } from '../support/cli.ts';
import { startUpWithPeer, stopUpWithPeer } from '../support/up-with-peer.ts';
import { assertLiveStored, runExample2 } from './analytics-live-support.ts';

describe('seed 004 example 2 through streamforge up: live graph, live inference, clean stop', () => {
  let peer: BinancePeer;
  let up: CliProcess;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), 'sf-analytics-live-'));
  before(async () => {
    ({ peer, up, url } = await startUpWithPeer(dir, {
      tradesPerMinute: 1,
      env: { GRAPH_POLL_SECONDS: '1', GRAPH_METRICS_SECONDS: '1' },
    }));
  });
  after(() => stopUpWithPeer({ peer, up }, dir));

  it('extends the graph as windows close, writes predictions, and stops', async () => {
    const run = await runExample2(url);
    assert.equal(await up.stop('SIGTERM'), 0);
    const store = await PGliteClient.open({ dataDir: dir });
    try {
      const stored = await assertLiveStored(store, run);
      console.log(
        `# live, embedded: first graph ${run.first.nodes} nodes, ${run.first.scored} scored; after a live window ` +
          `${run.grown.nodes} nodes, ${run.grown.scored} scored; stored ${stored.nodes} nodes, ${stored.predictions} predictions`,
      );
    } finally {
      await store.close();
    }
  });
});
