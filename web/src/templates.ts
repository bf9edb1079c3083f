// The start form's templates: seed 004's two examples verbatim, and offline ones that run anywhere.

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
    body: {
      symbol: 'BTCUSDT',
      time_range: '2024-06-01:2024-06-30',
      requests: [
        { target: 'loader-producer', type: 'api_candles_5m', interval: '5m' },
        { target: 'loader-producer', type: 'api_trades' },
        { target: 'arango-connector', type: 'api_candles_5m' },
        { target: 'arango-connector', type: 'api_trades' },
        {
          target: 'graph-builder',
          type: 'gnn_graph',
          collection_inputs: ['btc_candles_5m_2024_06', 'btc_trades_2024_06'],
          collection_output: 'btc_graph_2024_06',
        },
        {
          target: 'gnn-trainer',
          type: 'gnn_train',
          graph_collection: 'btc_graph_2024_06',
          model_output: 'gnn_model_btc_2024_06',
        },
      ],
    },
  },
  {
    id: 'seed-realtime',
    label: 'Seed example 2: realtime pipeline (Binance WebSocket)',
    body: {
      symbol: 'BTCUSDT',
      time_range: '2024-08-01:2024-08-01',
      requests: [
        { target: 'loader-producer', type: 'ws_candles_1m' },
        { target: 'loader-producer', type: 'ws_trades' },
        { target: 'arango-connector', type: 'ws_candles_1m' },
        { target: 'arango-connector', type: 'ws_trades' },
        {
          target: 'graph-builder',
          type: 'realtime_graph',
          collection_inputs: ['btc_ws_candles_1m_2024_08_01', 'btc_ws_trades_2024_08_01'],
          collection_output: 'btc_graph_rt_2024_08_01',
        },
        {
          target: 'gnn-trainer',
          type: 'realtime_gnn_infer',
          graph_collection: 'btc_graph_rt_2024_08_01',
          inference_interval: '5m',
        },
        { target: 'visualizer', type: 'graph_metrics_stream', source: 'btc_graph_rt_2024_08_01' },
      ],
    },
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
