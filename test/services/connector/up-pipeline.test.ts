// Seed 004, Example 1's historical pipeline (both loaders and both connectors) through `streamforge up`
// against the fake Binance: the queue finishes and both collections are full, with no gap.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PGliteClient } from '../../../src/store/index.ts';
import { PostgresSink } from '../../../src/services/connector/index.ts';
import type { BinancePeer } from '../../support/binance-peer/binance-peer.ts';
import type { CliProcess } from '../../support/cli.ts';
import { startUpWithPeer, stopUpWithPeer } from '../../support/up-with-peer.ts';
import { waitFor } from '../../support/wait.ts';
import { SEED_HISTORICAL } from '../queue-manager/harness.ts';

describe('streamforge up: the seed historical pipeline against the fake Binance', () => {
  let peer: BinancePeer;
  let up: CliProcess;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), 'sf-up-'));

  before(async () => {
    ({ peer, up, url } = await startUpWithPeer(dir, { tradesPerMinute: 1 }));
  });
  after(() => stopUpWithPeer({ peer, up }, dir));

  it('runs both loaders and both connectors to finished and fills both collections', async () => {
    const started = await fetch(`${url}/queues/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...SEED_HISTORICAL,
        requests: SEED_HISTORICAL.requests.filter(
          (r) => r.target === 'loader-producer' || r.target === 'arango-connector',
        ),
      }),
    });
    assert.equal(started.status, 201, await started.clone().text());
    const { queue_id: queueId } = (await started.json()) as { queue_id: string };
    const queue = await waitFor(
      'the queue to finish',
      async () => {
        const view = (await (await fetch(`${url}/queues/${queueId}`)).json()) as {
          status: string;
          jobs: {
            target: string;
            type: string;
            status: string;
            records_written: number;
            collection: string;
            error: unknown;
          }[];
        };
        if (view.status === 'failed')
          assert.fail(`queue failed: ${JSON.stringify(view.jobs.map((j) => j.error))}`);
        return view.status === 'finished' ? view : undefined;
      },
      90_000,
    );
    const connectors = queue.jobs.filter((j) => j.target === 'arango-connector');
    const candles = connectors.find((j) => j.type === 'api_candles_5m')!;
    const trades = connectors.find((j) => j.type === 'api_trades')!;
    const expectedTrades = peer.market.aggTrades(
      'BTCUSDT',
      Date.UTC(2024, 5, 1),
      Date.UTC(2024, 6, 1) - 1,
    ).length;
    assert.equal(candles.records_written, 30 * 288);
    assert.equal(trades.records_written, expectedTrades);
    await up.stop('SIGTERM');
    const store = await PGliteClient.open({ dataDir: dir });
    try {
      const sink = new PostgresSink(store);
      const c = await sink.stats(candles.collection);
      const t = await sink.stats(trades.collection);
      assert.deepEqual([c.rows, c.missing, c.firstTime], [30 * 288, 0, Date.UTC(2024, 5, 1)]);
      assert.deepEqual([t.rows, t.missing], [expectedTrades, 0]);
    } finally {
      await store.close();
    }
  });
});
