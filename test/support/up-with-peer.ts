// `streamforge up` against a local Binance peer, as the tests of whole pipelines run it: the loaders read
// the peer's REST and WebSocket, and the manager's URL is taken from the line `up` prints.
import { rmSync } from 'node:fs';
import { BinancePeer } from './binance-peer/binance-peer.ts';
import { startCli, type CliProcess } from './cli.ts';

export interface UpWithPeer {
  peer: BinancePeer;
  up: CliProcess;
  url: string;
}

/** Starts the peer, then `up` on a free port with its state in `dir`; `env` is added to up's environment. */
export async function startUpWithPeer(
  dir: string,
  options: { tradesPerMinute: number; env?: Record<string, string> },
): Promise<UpWithPeer> {
  const peer = await new BinancePeer({ tradesPerMinute: options.tradesPerMinute }).start();
  const up = startCli(['up', '--port', '0', '--data-dir', dir, '--log-level', 'warn'], {
    BINANCE_API_URL: peer.apiUrl,
    BINANCE_WS_URL: peer.wsUrl,
    LOADING_INTERVAL_SECONDS: '1',
    ...options.env,
  });
  const url = await up.waitForOutput(
    'streamforge up to listen',
    /StreamForge is up in [^:]+: (http:\/\/\S+)/,
    60_000,
  );
  return { peer, up, url };
}

/** Stops `up` (a no-op if a test stopped it already), then the peer, and removes `dir`. */
export async function stopUpWithPeer(running: Partial<UpWithPeer>, dir: string): Promise<void> {
  await running.up?.stop('SIGTERM');
  await running.peer?.close();
  rmSync(dir, { recursive: true, force: true });
}
