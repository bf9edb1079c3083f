// deploy/strimzi: every resource valid against the CRDs Strimzi's own generator makes from its own
// classes (scripts/strimzi/crds.sh), and every KafkaUser allowed what its service's code does, with
// the names taken from the code (topics, groups, the data-topic rule), and nothing it should not do.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { readConsumerOptions } from '../../src/consumer/env.ts';
import { jobEnvironment } from '../../src/launcher/job-env.ts';
import {
  DEFAULT_QUEUE_CONTROL_TOPIC,
  DEFAULT_QUEUE_EVENTS_TOPIC,
  graphMetricsTopic,
} from '../../src/protocol/index.ts';
import { dataTopic } from '../../src/protocol/naming.ts';
import { readJobConfig } from '../../src/runtime/config/job-config.ts';
import { planConnector } from '../../src/services/connector/connector-work.ts';
import { readConnectorOptions } from '../../src/services/connector/options.ts';
import { readGnnTrainerOptions } from '../../src/services/gnn-trainer/options.ts';
import { readGraphBuilderOptions } from '../../src/services/graph-builder/options.ts';
import { readQueueManagerConfig } from '../../src/services/queue-manager/config.ts';
import { allowed, type Access, type Acl } from './support/kafka-acls.ts';
import { kustomizeBuild, overlayRoot } from './support/kustomize.ts';
import { seedJobSpec } from './support/seed-job.ts';
import { generateStrimziCrds, strimziSkipReason, strimziValidators } from './support/strimzi-crds.ts';
import type { KubeObject } from './support/yaml-files.ts';

const strimziDir = join(overlayRoot, '..', 'strimzi');
const resources = kustomizeBuild(strimziDir);
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function aclsOf(user: string): Acl[] {
  const found = resources.find((r) => r.kind === 'KafkaUser' && r.metadata.name === user);
  assert.ok(found, `KafkaUser ${user} is missing`);
  return (found.spec as { authorization: { acls: Acl[] } }).authorization.acls;
}

function assertAllowed(user: string, accesses: Access[]): void {
  const denied = accesses.filter((a) => !allowed(aclsOf(user), a));
  assert.deepEqual(denied, [], `${user} lacks`);
}

function assertDenied(user: string, accesses: Access[]): void {
  const granted = accesses.filter((a) => allowed(aclsOf(user), a));
  assert.deepEqual(granted, [], `${user} must not have`);
}

describe('deploy/strimzi against the generated CRDs', { skip: strimziSkipReason }, () => {
  let validators: ReturnType<typeof strimziValidators>;
  before(() => {
    validators = strimziValidators(generateStrimziCrds());
  });

  function problems(object: KubeObject): string[] {
    const validate = validators.get(`${object.apiVersion}/${object.kind}`);
    if (!validate) return [`${object.apiVersion} ${object.kind}: no such CRD version`];
    const out: string[] = [];
    if (!DNS_SUBDOMAIN.test(object.metadata.name))
      out.push(`${object.metadata.name}: not a DNS-1123 subdomain`);
    const where = `${object.kind}/${object.metadata.name}`;
    const valid: boolean = validate(object); // not the type guard: `object` stays a KubeObject below
    if (!valid)
      for (const e of validate.errors ?? [])
        out.push(`${where}${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    return out;
  }

  it('every resource validates, in the cluster the users and topics name', () => {
    assert.deepEqual(resources.flatMap(problems), []);
    const cluster = resources.find((r) => r.kind === 'Kafka');
    assert.ok(cluster);
    for (const r of resources.filter((x) => x.kind !== 'Kafka')) {
      assert.equal(r.metadata.labels?.['strimzi.io/cluster'], cluster.metadata.name, r.metadata.name);
      assert.equal(r.metadata.namespace, 'kafka');
    }
  });

  it('the CRD check can fail: a misspelt ACL operation, an unknown field, a string partition count', () => {
    const user = structuredClone(resources.find((r) => r.kind === 'KafkaUser')!);
    (user.spec as { authorization: { acls: Acl[] } }).authorization.acls[0]!.operations = ['Reed'];
    assert.match(problems(user).join('\n'), /operations\/0 must be equal to one of the allowed values/);
    const topic = structuredClone(resources.find((r) => r.kind === 'KafkaTopic')!);
    (topic.spec as Record<string, unknown>).partitons = 3;
    (topic.spec as Record<string, unknown>).replicas = 'three';
    const found = problems(topic).join('\n');
    assert.match(found, /must NOT have additional properties.*partitons/);
    assert.match(found, /replicas must be integer/);
  });

  it('the control topics are the names the code uses; SCRAM-SHA-512 everywhere', () => {
    const topics = resources.filter((r) => r.kind === 'KafkaTopic').map((r) => r.metadata.name);
    assert.deepEqual(topics.sort(), [DEFAULT_QUEUE_CONTROL_TOPIC, DEFAULT_QUEUE_EVENTS_TOPIC].sort());
    for (const user of resources.filter((r) => r.kind === 'KafkaUser'))
      assert.equal((user.spec as { authentication: { type: string } }).authentication.type, 'scram-sha-512');
    const manager = kustomizeBuild(join(overlayRoot, 'overlays', 'distributed')).find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name === 'streamforge-manager-config',
    );
    assert.equal((manager?.data as Record<string, string>).KAFKA_USER, 'streamforge-queue-manager');
  });
});

describe('deploy/strimzi ACLs follow the code', () => {
  const manager = readQueueManagerConfig({});
  const spec = seedJobSpec();
  // The connector's environment as the launcher gives it (job-env.ts), planned by the connector's code.
  const env = jobEnvironment(spec);
  const plan = planConnector(readJobConfig(env, 'arango-connector', 8000), readConnectorOptions(env));
  const deadLetters = readConsumerOptions({ KAFKA_TOPIC: plan.topic }).deadLetterTopic;
  const solo = `streamforge-solo-${randomUUID()}`; // src/bus/kafka/kafka-bus.ts: a reader's own group
  const offsets = `streamforge-offsets-${randomUUID()}`;
  const topic = (name: string, operation: Access['operation']): Access => ({
    type: 'topic',
    name,
    operation,
  });
  const group = (name: string, operation: Access['operation']): Access => ({
    type: 'group',
    name,
    operation,
  });

  it('queue manager: sends commands, folds telemetry in its group, creates data topics', () => {
    assertAllowed('streamforge-queue-manager', [
      topic(manager.controlTopic, 'Write'),
      topic(manager.eventsTopic, 'Read'),
      group(manager.groupId, 'Read'),
      topic(spec.dataTopic, 'Create'),
      topic(spec.dataTopic, 'Describe'),
      group(offsets, 'Describe'),
    ]);
    assertDenied('streamforge-queue-manager', [
      topic(manager.eventsTopic, 'Write'),
      topic(spec.dataTopic, 'Read'),
      topic(spec.dataTopic, 'Write'),
      topic(spec.dataTopic, 'Delete'),
      topic('__consumer_offsets', 'Read'),
    ]);
  });

  const controlPlane = [
    topic(spec.controlTopic, 'Read'),
    group(solo, 'Read'),
    topic(spec.eventsTopic, 'Write'),
  ];
  const neverForJobs = [
    topic(spec.controlTopic, 'Write'), // a job cannot stop other jobs
    topic(spec.eventsTopic, 'Read'),
    group(manager.groupId, 'Read'), // nor steal the manager's telemetry
    topic('events', 'Read'),
    topic(spec.dataTopic, 'Delete'),
  ];

  it('loader-producer: the control plane, and creating and writing its data topic', () => {
    assertAllowed('streamforge-loader-producer', [
      ...controlPlane,
      topic(spec.dataTopic, 'Create'),
      topic(spec.dataTopic, 'Write'),
      topic(spec.dataTopic, 'Describe'),
      group(offsets, 'Describe'),
    ]);
    assertDenied('streamforge-loader-producer', [
      ...neverForJobs,
      topic(spec.dataTopic, 'Read'),
      group(plan.groupId, 'Read'),
    ]);
  });

  it('arango-connector: the control plane, draining its data topic in its group, dead-lettering', () => {
    assert.equal(plan.topic, spec.dataTopic);
    assertAllowed('streamforge-arango-connector', [
      ...controlPlane,
      topic(plan.topic, 'Read'),
      group(plan.groupId, 'Read'),
      group(plan.groupId, 'Describe'),
      topic(deadLetters, 'Write'),
      topic(deadLetters, 'Create'),
      topic(deadLetters, 'Read'),
      group(offsets, 'Describe'),
    ]);
    assertDenied('streamforge-arango-connector', neverForJobs);
  });

  // The analytics jobs of the same queue, their environments as the launcher gives them, their topics
  // as their code names them: realtime_graph's metrics topic, realtime_gnn_infer's predictions topic.
  const graphEnv = jobEnvironment({
    ...spec,
    target: 'graph-builder',
    type: 'realtime_graph',
    dataTopic: dataTopic(spec.queueId, 'realtime_graph'),
    params: { collection_inputs: [spec.collection], collection_output: 'btcusdt_graph' },
  });
  const metricsTopic =
    readGraphBuilderOptions(graphEnv).metricsTopic ?? graphMetricsTopic(graphEnv.QUEUE_ID!);
  const predictionsTopic = readGnnTrainerOptions(
    jobEnvironment({
      ...spec,
      target: 'gnn-trainer',
      type: 'realtime_gnn_infer',
      dataTopic: dataTopic(spec.queueId, 'realtime_gnn_infer'),
      params: { graph_collection: 'btcusdt_graph' },
    }),
  ).topic;
  const neverForAnalytics = [
    ...neverForJobs,
    topic(spec.dataTopic, 'Read'), // graphs and models come from the store, not from topics
    group(plan.groupId, 'Read'),
    group(offsets, 'Read'),
    topic(metricsTopic, 'Read'), // the visualizer's, not theirs
    topic(predictionsTopic, 'Read'),
    topic(metricsTopic, 'Delete'),
    topic(predictionsTopic, 'Delete'),
    topic(DEFAULT_QUEUE_CONTROL_TOPIC, 'Create'),
  ];

  it('the analytics topics are data topics of the queue, under the prefix the users are given', () => {
    // Not the connector's data topic, so the must-allow lists below test new names.
    for (const name of [metricsTopic, predictionsTopic]) {
      assert.ok(name.startsWith(`${spec.queueId}.`), name);
      assert.notEqual(name, spec.dataTopic);
    }
  });

  it('graph-builder: the control plane, and creating and writing its metrics topic', () => {
    assertAllowed('streamforge-graph-builder', [
      ...controlPlane,
      topic(metricsTopic, 'Create'),
      topic(metricsTopic, 'Write'),
      topic(metricsTopic, 'Describe'),
    ]);
    assertDenied('streamforge-graph-builder', neverForAnalytics);
  });

  it('gnn-trainer: the control plane, and creating and writing its predictions topic', () => {
    assertAllowed('streamforge-gnn-trainer', [
      ...controlPlane,
      topic(predictionsTopic, 'Create'),
      topic(predictionsTopic, 'Write'),
      topic(predictionsTopic, 'Describe'),
    ]);
    assertDenied('streamforge-gnn-trainer', neverForAnalytics);
  });

  it('other jobs (the visualizer, dummy-service): the control plane only', () => {
    assertAllowed('streamforge-jobs', controlPlane);
    assertDenied('streamforge-jobs', [
      ...neverForJobs,
      topic(spec.dataTopic, 'Read'),
      topic(spec.dataTopic, 'Write'),
      topic(spec.dataTopic, 'Create'),
      topic(metricsTopic, 'Write'),
      topic(predictionsTopic, 'Write'),
    ]);
  });

  it('consumer service and debug: their own topics and groups only', () => {
    const consumer = readConsumerOptions({});
    assertAllowed('streamforge-consumer', [
      topic(consumer.topic, 'Read'),
      group(consumer.groupId, 'Read'),
      topic(consumer.deadLetterTopic, 'Write'),
    ]);
    assertDenied('streamforge-consumer', [topic(spec.controlTopic, 'Read'), topic(spec.dataTopic, 'Read')]);
    assertAllowed('streamforge-debug', [
      topic(spec.controlTopic, 'Write'),
      topic(spec.eventsTopic, 'Read'),
      group(solo, 'Read'),
    ]);
    assertDenied('streamforge-debug', [topic(spec.dataTopic, 'Read'), topic(spec.eventsTopic, 'Write')]);
  });
});
