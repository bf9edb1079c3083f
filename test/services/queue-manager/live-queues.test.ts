// How the live queue list counts a queue's records and progress from its jobs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { liveQueue } from '../../../src/services/queue-manager/api/live-queues.ts';
import type { JobStatus, QueueSummary } from '../../../src/services/queue-manager/index.ts';

const summary: QueueSummary = {
  queue_id: 'wf-btcusdt-api_candles_5m-20240601-abc123',
  status: 'running',
  symbol: 'BTCUSDT',
  time_range: '2024-06-01:2024-06-30',
  created_at: '2024-06-01T00:00:00.000Z',
  updated_at: '2024-06-01T00:00:00.000Z',
  started_at: null,
  finished_at: null,
  stop_requested_at: null,
  records_written: 3000,
  jobs_by_status: { running: 2, pending: 1 },
};
const job = (target: string, topic: string, status: JobStatus, written: number, total: number | null) => ({
  target,
  topic,
  status,
  records_written: written,
  records_total: total,
});

describe('liveQueue', () => {
  it("counts a drained loader's total once, at its connector, and averages the jobs' progress", () => {
    const live = liveQueue(summary, [
      job('loader-producer', 'candles', 'running', 6000, 8640),
      job('arango-connector', 'candles', 'running', 3000, null),
      job('gnn-trainer', 'model', 'pending', 0, 0),
    ]);
    // The connector takes its loader's 8640; the loader's own records count there (views.ts); the
    // trainer reports a total of 0.
    assert.equal(live.records_total, 8640);
    assert.equal(live.jobs_total, 3);
    assert.ok(Math.abs(live.progress - (6000 / 8640 + 3000 / 8640 + 0) / 3) < 1e-9);
    assert.equal(live.records_written, 3000);
  });

  it('has no total while a counted job has none, and counts finished jobs as done', () => {
    const live = liveQueue(summary, [
      job('graph-builder', 'graph', 'finished', 0, null),
      job('gnn-trainer', 'model', 'running', 10, null),
    ]);
    assert.equal(live.records_total, null);
    assert.equal(live.progress, 0.5);
  });

  it('an empty queue has no total and no progress', () => {
    const live = liveQueue(summary, []);
    assert.equal(live.records_total, null);
    assert.equal(live.progress, 0);
  });
});
