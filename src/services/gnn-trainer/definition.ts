import { Type } from '@sinclair/typebox';
import { collectionField, durationField, typeRule } from '../../protocol/index.ts';
import { defineJob, type JobDefinition } from '../../launcher/job-definition.ts';
import type { GraphReader } from './gnn-job.ts';
import { readGnnTrainerOptions } from './options.ts';

export const GNN_TRAINER_TARGET = 'gnn-trainer';
export const GNN_TRAINER_HTTP_PORT = 8004;

/**
 * gnn-trainer (`streamforge gnn-trainer`): trains a GCN on a graph (gnn_train) or scores the newest
 * windows of a growing graph (realtime_gnn_infer). Made from the graph reader of graph-builder's
 * graph-store, so its catalogue line is `createGnnTrainerDefinition(readGraph)`.
 */
export function createGnnTrainerDefinition(readGraph: GraphReader): JobDefinition {
  return defineJob({
    target: GNN_TRAINER_TARGET,
    service: GNN_TRAINER_TARGET,
    summary: 'trains a GCN on a graph (gnn_train), or scores its newest windows (realtime_gnn_infer)',
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
      model_output: Type.Optional(
        collectionField(
          'gnn-trainer: gnn_train saves the model here (default `{graph_collection}_gcn_model`); realtime_gnn_infer reads the newest model here (default: the newest model of the graph, else of the same symbol, interval and features)',
        ),
      ),
      inference_interval: Type.Optional(
        durationField('realtime_gnn_infer: how often it scores new windows (default 5m)'),
      ),
    },
    inputs: [{ field: 'graph_collection', kind: 'graph', mustResolve: false }],
    output: { field: 'model_output', kind: 'model' },
    upstream: ['graph-builder'],
    worker: {
      readOptions: readGnnTrainerOptions,
      // Imported when the job runs: `streamforge --help` loads only definitions.
      work: (options, runtime) => async (ctx) =>
        (await import('./gnn-job.ts')).createGnnTrainerWork(options, runtime, readGraph)(ctx),
      cli: {
        command: 'gnn-trainer',
        summary: 'run gnn-trainer: train a GCN on a graph collection, or score its newest windows',
        httpPort: GNN_TRAINER_HTTP_PORT,
        args: () => ['gnn-trainer'],
        help: `Usage: streamforge gnn-trainer [--debug]

Runs one gnn-trainer job (job target "${GNN_TRAINER_TARGET}", docs/gnn-trainer.md).

TYPE=gnn_train: reads the graph GRAPH_COLLECTION, labels each window with the next window's direction
(up / flat / down; dead band: the 1/3 quantile of |return| on the training windows), splits the windows
in time (70 % train, 15 % validation, 15 % test), trains a 2-layer GCN with causal propagation (no
look-ahead) and early stopping, reports every epoch (loss, accuracy, ETA) as \`loading\` telemetry, saves
the model to MODEL_OUTPUT in one transaction, and finishes with the test accuracy next to two baselines
(majority class, logistic regression without the graph).

TYPE=realtime_gnn_infer: every INFERENCE_INTERVAL, reads the grown graph, scores the windows no
prediction covers yet with the newest model (MODEL_OUTPUT, else the registry), upserts them into
PREDICTIONS_COLLECTION and publishes them on KAFKA_TOPIC; runs until stopped.

Environment:
  GRAPH_COLLECTION (required), TYPE (gnn_train | realtime_gnn_infer), MODEL_OUTPUT,
  INFERENCE_INTERVAL (5m; 30s, 1h or seconds), PREDICTIONS_COLLECTION ({graph_collection}_predictions),
  INFERENCE_MAX_NODES (500), KAFKA_TOPIC ({graph_collection}.predictions), GNN_EPOCHS (200),
  GNN_HIDDEN (16), GNN_SEED (1), GNN_FLAT_QUANTILE (0.333…), LOADING_INTERVAL_SECONDS (1),
  DATABASE_URL (else PGlite in STREAMFORGE_DATA_DIR), QUEUE_ID, TELEMETRY_PRODUCER_ID,
  KAFKA_BOOTSTRAP_SERVERS, KAFKA_USER, KAFKA_PASSWORD, KAFKA_CA_PATH, QUEUE_CONTROL_TOPIC,
  QUEUE_EVENTS_TOPIC, METRICS_PORT (${GNN_TRAINER_HTTP_PORT}).

Errors: SF_GRAPH_TOO_SMALL, SF_INVALID_FEATURE, SF_INVALID_GRAPH, SF_MODEL_MISMATCH, SF_INVALID_CONFIG.
Exit code: 0 on finished or stopped, 1 on error.`,
      },
    },
  });
}
