import { Type } from '@sinclair/typebox';
import { collectionField, durationField, typeRule } from '../../protocol/index.ts';
import { defineJob } from '../../launcher/job-definition.ts';

/**
 * Targets dummy-service still plays (`--simulate-loading`): everything the queue manager must know
 * about them, and no worker. To make one real, move its definition to its own service folder
 * (src/services/<service>/definition.ts), add a `worker`, and point its line of
 * src/services/job-catalogue.ts there (docs/job-definitions.md).
 */

/** gnn-trainer: trains a GNN on a graph (gnn_train) or scores its newest nodes (realtime_gnn_infer). */
export const simulatedGnnTrainer = defineJob({
  target: 'gnn-trainer',
  service: 'dummy-service',
  summary: 'trains a GNN on a graph, or scores its newest nodes (simulated)',
  types: [
    typeRule('gnn_train', false, 'gnn_train'),
    typeRule('realtime_gnn_infer', true, 'realtime_gnn_infer'),
  ],
  fields: {
    graph_collection: Type.Optional(
      collectionField(
        "gnn-trainer: graph it reads; the queue's graph-builder output when the queue has one, else an existing collection",
      ),
    ),
    model_output: Type.Optional(collectionField('gnn-trainer: model it writes')),
    inference_interval: Type.Optional(durationField('realtime_gnn_infer: period')),
  },
  inputs: [{ field: 'graph_collection', kind: 'graph', mustResolve: false }],
  output: { field: 'model_output', kind: 'model' },
  upstream: ['graph-builder'],
});
