// The start form's templates: seed 004's two examples verbatim, and offline ones that run anywhere.
// The seed's examples come from examples/*.json (esbuild bundles JSON), the copy the tests read too.
import seedExample1 from '../../examples/seed-004-example-1.json';
import seedExample2 from '../../examples/seed-004-example-2.json';

export interface Template {
  id: string;
  label: string;
  body: unknown;
}

export const TEMPLATES: readonly Template[] = [
  {
    id: 'synthetic',
    label: 'Offline: synthetic 5m candles → collection (no network)',
    body: {
      symbol: 'BTCUSDT',
      time_range: '2024-06-01:2024-06-30',
      requests: [
        { target: 'loader-producer', type: 'synthetic_candles_5m' },
        { target: 'arango-connector', type: 'synthetic_candles_5m' },
      ],
    },
  },
  {
    id: 'seed-historical',
    label: 'Seed example 1: historical pipeline (Binance REST)',
    body: seedExample1,
  },
  {
    id: 'seed-realtime',
    label: 'Seed example 2: realtime pipeline (Binance WebSocket)',
    body: seedExample2,
  },
  {
    id: 'dummy',
    label: 'Simulated: graph-builder and gnn-trainer played by dummy jobs',
    body: {
      symbol: 'ETHUSDT',
      time_range: '2024-06-01:2024-06-01',
      requests: [
        {
          target: 'graph-builder',
          type: 'gnn_graph',
          collection_inputs: ['eth_candles'],
          collection_output: 'eth_graph_2024_06_01',
        },
        {
          target: 'gnn-trainer',
          type: 'gnn_train',
          graph_collection: 'eth_graph_2024_06_01',
          model_output: 'gnn_model_eth',
        },
      ],
    },
  },
];
