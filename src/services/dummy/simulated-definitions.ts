import { Type } from '@sinclair/typebox';
import { collectionField, typeRule } from '../../protocol/index.ts';
import { defineJob } from '../../launcher/job-definition.ts';

/**
 * Targets dummy-service still plays (`--simulate-loading`): everything the queue manager must know
 * about them, and no worker. To make one real, move its definition to its own service folder
 * (src/services/<service>/definition.ts), add a `worker`, and point its line of
 * src/services/job-catalogue.ts there (docs/job-definitions.md).
 */

/** visualizer: streams a graph's metrics to the dashboard. */
export const simulatedVisualizer = defineJob({
  target: 'visualizer',
  service: 'dummy-service',
  summary: "streams a graph's metrics (simulated)",
  types: [typeRule('graph_metrics_stream', true, 'graph_metrics_stream')],
  fields: {
    source: Type.Optional(collectionField('visualizer: collection it reads')),
  },
  inputs: [{ field: 'source', kind: 'graph', mustResolve: false }],
  upstream: ['graph-builder'],
});
