import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import type { JobWork } from '../../runtime/index.ts';
import type { SqlClient } from '../../store/index.ts';
import { createGraphBuilderWork } from './graph-builder-work.ts';
import type { GraphBuilderOptions } from './options.ts';
import { createRealtimeGraphWork } from './realtime-graph.ts';

/** The work of a graph-builder job of `type`: gnn_graph (batch, the default) or realtime_graph. */
export function graphBuilderWork(
  type: string | undefined,
  options: GraphBuilderOptions,
  sql?: SqlClient,
): JobWork {
  if (type === 'realtime_graph') return createRealtimeGraphWork(options, { sql });
  if (type === undefined || type === 'gnn_graph') return createGraphBuilderWork(options, { sql });
  throw new StreamForgeError(
    ErrorCodes.INVALID_CONFIG,
    `TYPE=${type} is not a graph-builder type: gnn_graph or realtime_graph`,
  );
}
