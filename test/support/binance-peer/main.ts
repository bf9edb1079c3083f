// Runs the Binance peer on its own, for demos without network:
//   node test/support/binance-peer/main.ts [--port 9443] [--trades-per-minute 30]
// then BINANCE_API_URL=http://127.0.0.1:9443 BINANCE_WS_URL=ws://127.0.0.1:9443 streamforge loader …
import { parseArgs } from 'node:util';
import { BinancePeer } from './binance-peer.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9443' },
    'trades-per-minute': { type: 'string', default: '30' },
  },
});
const peer = await new BinancePeer({
  port: Number(values.port),
  tradesPerMinute: Number(values['trades-per-minute']),
}).start();
console.log(`Binance peer on ${peer.apiUrl} (REST) and ${peer.wsUrl} (streams); Ctrl-C stops it`);
process.on('SIGINT', () => void peer.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void peer.close().then(() => process.exit(0)));
