// A job type added the way docs/job-definitions.md says (a definition and one catalogue line) is
// picked up everywhere: the API schema and OpenAPI, the plan, the DAG, input resolution, the inline
// launcher and the CLI. Real parts: the queue manager's HTTP API, PostgreSQL, the memory bus.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { MemoryBus } from '../../src/bus/index.ts';
import { jobCommandEntries } from '../../src/cli/job-commands.ts';
import { defineJob, type JobDefinition } from '../../src/launcher/index.ts';
import { collectionField, typeRule } from '../../src/protocol/index.ts';
import { JOB_DEFINITIONS, createJobCatalog } from '../../src/services/job-catalogue.ts';
import type { QueueManager } from '../../src/services/queue-manager/index.ts';
import type { PostgresClient } from '../../src/store/index.ts';
import { waitFor } from '../support/wait.ts';
import { api, startInlineManager, testConfig, testSchema } from './queue-manager/harness.ts';

/** What the echo job's work was given, by telemetry id: its options, read from its environment. */
const echoed = new Map<string, { from: string | undefined; to: string | undefined }>();

/** A job type the catalogue does not have: reads a graph, writes a model, finishes at once. */
const echoDefinition: JobDefinition = defineJob({
  target: 'echo-job',
  service: 'echo-job',
  summary: 'echoes the collection it reads (a test job type)',
  types: [typeRule('echo_once', false, 'echo_once')],
  fields: {
    echo_from: Type.Optional(collectionField('echo-job: graph it reads')),
    echo_to: Type.Optional(collectionField('echo-job: model it writes')),
  },
  inputs: [{ field: 'echo_from', kind: 'graph', mustResolve: false }],
  output: { field: 'echo_to', kind: 'model' },
  upstream: ['graph-builder'],
  worker: {
    readOptions: (env) =>
      Object.freeze({ id: env.TELEMETRY_PRODUCER_ID ?? 'cli', from: env.ECHO_FROM, to: env.COLLECTION_NAME }),
    work: (options) => () => {
      echoed.set(options.id, { from: options.from, to: options.to });
      return Promise.resolve({ records_written: 1, message: `echoed ${options.from}` });
    },
    cli: {
      command: 'echo',
      summary: 'run echo-job: echoes the collection it reads',
      help: 'Usage: streamforge echo [--debug]\n\nRuns one echo-job job.',
      httpPort: 0,
      args: () => ['echo'],
    },
  },
});

describe('a new job definition, from one catalogue line', () => {
  // graph-builder is the echo job's upstream stage here, played by dummy-service: its real worker would
  // need market data these queues do not load.
  const definitions = [
    ...JOB_DEFINITIONS.map((d) =>
      d.target === 'graph-builder' ? defineJob({ ...d, worker: undefined }) : d,
    ),
    echoDefinition,
  ];
  const bus = new MemoryBus();
  const config = testConfig();
  let schema: Awaited<ReturnType<typeof testSchema>>;
  let sql: PostgresClient;
  let manager: QueueManager;
  let http: ReturnType<typeof api>;

  before(async () => {
    schema = await testSchema();
    sql = await schema.open();
    // Workers given: echo-job runs its own work; the other targets of these queues are simulated.
    const catalog = createJobCatalog({ simulation: config.simulation, workers: { env: {} }, definitions });
    manager = await startInlineManager({ config, sql, bus, catalog });
    http = api(manager);
  });

  after(async () => {
    await manager?.close();
    await sql?.close();
    await schema?.drop();
    await bus.close();
  });

  it('is in the API schema and the OpenAPI document', async () => {
    const doc = (await http.get('/docs/json')).body as unknown as {
      paths: Record<string, { post: { requestBody: { content: Record<string, { schema: Schema }> } } }>;
    };
    const body = doc.paths['/queues/start']!.post.requestBody.content['application/json']!.schema;
    const request = body.properties.requests!.items!;
    assert.deepEqual(request.properties.target!.enum, [
      'loader-producer',
      'arango-connector',
      'graph-builder',
      'gnn-trainer',
      'visualizer',
      'echo-job',
    ]);
    assert.equal(request.properties.echo_from!.description, 'echo-job: graph it reads');
    assert.ok(request.properties.collection_inputs, 'the other definitions keep their fields');
  });

  it('is planned, waits for its upstream stage, reads the resolved input and runs its work', async () => {
    const started = await http.post('/queues/start', {
      symbol: 'BTCUSDT',
      time_range: '2024-06-01:2024-06-02',
      requests: [
        { target: 'graph-builder', type: 'gnn_graph', collection_output: 'btc_graph_echo' },
        { target: 'echo-job', type: 'echo_once', echo_from: 'btc_graph_by_name', echo_to: 'btc_echo' },
      ],
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const [graph, echo] = started.body.jobs as { telemetry_id: string; [k: string]: unknown }[];
    assert.deepEqual(echo!.depends_on, [graph!.telemetry_id]);
    assert.equal(echo!.collection, 'btc_echo');
    const expected = [
      {
        field: 'echo_from',
        name: 'btc_graph_by_name',
        resolved_collection: 'btc_graph_echo',
        from_job: graph!.telemetry_id,
      },
    ];
    assert.deepEqual(echo!.inputs, expected);
    const done = await waitFor(
      'the queue to finish',
      async () => {
        const { body } = await http.get(`/queues/${started.body.queue_id}`);
        return body.status === 'finished' ? body : undefined;
      },
      30_000,
    );
    const jobs = done.jobs as { inputs: unknown; records_written: number }[];
    assert.deepEqual(jobs[1]!.inputs, expected, 'GET /queues/{id} shows the mapping');
    assert.equal(jobs[1]!.records_written, 1);
    // The job was given the collection the name resolved to, not the name.
    assert.deepEqual(echoed.get(echo!.telemetry_id), { from: 'btc_graph_echo', to: 'btc_echo' });
  });

  it('answers 400 SF_INPUT_UNRESOLVED naming an input no job of the queue writes', async () => {
    const answer = await http.post('/queues/start', {
      symbol: 'BTCUSDT',
      time_range: '2024-06-01:2024-06-02',
      requests: [
        { target: 'arango-connector', type: 'api_candles_5m' },
        { target: 'graph-builder', type: 'gnn_graph', collection_inputs: ['btc_trades_2024_06'] },
      ],
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.code, 'SF_INPUT_UNRESOLVED');
    assert.deepEqual(answer.body.reasons, [
      'requests[1].collection_inputs "btc_trades_2024_06" resolves to nothing: no job of the queue writes trades',
    ]);
    const list = await http.get('/queues?symbol=BTCUSDT');
    assert.equal(list.body.total, 1, 'nothing of the rejected queue was stored');
  });

  it('is a CLI command with its own help, run by the generic job command', async () => {
    const entries = jobCommandEntries([...JOB_DEFINITIONS, echoDefinition]);
    assert.deepEqual(
      entries.map((e) => e.name),
      ['loader', 'connector', 'graph-builder', 'gnn-trainer', 'visualizer', 'echo'],
    );
    const command = await entries.find((e) => e.name === 'echo')!.load();
    assert.equal(command.help, echoDefinition.worker!.cli.help);
    const code = await command.run([], {
      TELEMETRY_PRODUCER_ID: 'echo-job__clirun',
      ECHO_FROM: 'from_the_cli',
      METRICS_PORT: '0',
    });
    assert.equal(code, 0);
    assert.deepEqual(echoed.get('echo-job__clirun'), { from: 'from_the_cli', to: undefined });
  });
});

interface Schema {
  properties: Record<string, Schema & { enum?: string[]; description?: string }>;
  items?: Schema;
}
