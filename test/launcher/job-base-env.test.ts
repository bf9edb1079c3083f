// What a job process inherits from the manager: regression for graph-builder's and gnn-trainer's tuning
// variables, which the allow-list dropped, so `GNN_EPOCHS=…` on the manager never reached a trainer process.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jobBaseEnvironment } from '../../src/launcher/job-base-env.ts';

describe('jobBaseEnvironment', () => {
  it('passes the analytics jobs their tuning variables and keeps the manager its secrets', () => {
    const kept = jobBaseEnvironment({
      GRAPH_K: '3',
      GRAPH_MIN_WINDOWS: '16',
      GNN_EPOCHS: '50',
      INFERENCE_MAX_NODES: '100',
      DATABASE_URL: 'postgres://x',
      QUEUE_MANAGER_TOKEN: 'secret',
      JOB_LAUNCHER: 'process',
    });
    assert.deepEqual(kept, {
      GRAPH_K: '3',
      GRAPH_MIN_WINDOWS: '16',
      GNN_EPOCHS: '50',
      INFERENCE_MAX_NODES: '100',
      DATABASE_URL: 'postgres://x',
    });
  });
});
