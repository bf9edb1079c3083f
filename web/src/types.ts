// Shapes of the API's answers that the pages read (the OpenAPI document at /docs/json has them all).

export type QueueStatus = 'pending' | 'running' | 'finished' | 'failed' | 'stopped';
export const QUEUE_STATUSES: readonly QueueStatus[] = ['pending', 'running', 'finished', 'failed', 'stopped'];

export interface LiveQueue {
  queue_id: string;
  status: QueueStatus;
  symbol: string;
  time_range: string;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  records_written: number;
  records_total: number | null;
  progress: number;
  jobs_total: number;
  jobs_by_status: Record<string, number>;
}

export interface LivePage {
  items: LiveQueue[];
  total: number;
  next_cursor: string | null;
}

export interface JobView {
  telemetry_id: string;
  target: string;
  type: string;
  streaming: boolean;
  job_name: string;
  topic: string;
  collection: string;
  depends_on: string[];
  status: string;
  attempt: number;
  records_written: number;
  records_total: number | null;
  progress: number | null;
  last_event: Record<string, unknown> | null;
  error: { message: string; code: string | null } | null;
  started_at: string | null;
  finished_at: string | null;
  duration_seconds: number | null;
}

export interface QueueView extends Omit<LiveQueue, 'records_total' | 'progress' | 'jobs_total'> {
  jobs: JobView[];
}

export interface EventView {
  id: number;
  telemetry_id: string;
  attempt: number;
  event: string;
  sent_at: number;
  received_at: string;
  records_written: number | null;
  message: string | null;
  error_message: string | null;
  payload: Record<string, unknown>;
}

export interface CollectionStats {
  name: string;
  kind: 'candle' | 'trade';
  rows: number;
  firstTime?: number;
  lastTime?: number;
  gaps: { symbol: string; after: number; before: number; missing: number }[];
  missing: number;
  gapsKnown: boolean;
}

export interface CandleSeries {
  name: string;
  symbol: string | null;
  interval: string | null;
  bucketMs: number;
  downsampled: boolean;
  candles: number;
  bars: { t: number; o: number; h: number; l: number; c: number; v: number; n: number }[];
}

// The server's type: the route and the page cannot drift apart (a type-only import, erased by esbuild).
export type { GraphView } from '../../src/services/queue-manager/graphs/graph-view-type.ts';

/** What the visualizer (graph_metrics_stream) reports in its `loading` events as `graph_metrics`. */
export interface VisualizerMetrics {
  kind: 'graph_metrics_stream';
  source: string;
  sent_at: number;
  nodes: number;
  edges: number;
  density: number;
  components: { count: number; largest: number };
  communities: { count: number; modularity: number; largest: number[] };
  first_open_time: number | null;
  last_open_time: number | null;
  pagerank_top: { node: number; open_time: number; score: number }[];
  newest: {
    node: number;
    open_time: number;
    close: number;
    degree: number;
    pagerank: number;
    community: number;
  }[];
}
