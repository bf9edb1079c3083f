// deploy/kubernetes: both overlays built (our kustomize subset, and `kubectl kustomize` where it is
// installed, which must agree), every object validated offline, and the properties the deployment
// relies on checked: the Role allows exactly the calls the launcher makes, the Job template is what
// the launcher generates, probes point at the real health routes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { KubernetesLauncher, readKubernetesJobOptions } from '../../src/launcher/index.ts';
import { createLogger } from '../../src/runtime/index.ts';
import { createJobCatalog, JOB_DEFINITIONS } from '../../src/services/job-catalogue.ts';
import { FakeKubeApiServer } from '../launcher/kubernetes/fake-kube-apiserver.ts';
import { kubernetesProblems } from './support/k8s-validate.ts';
import { kubectl, kustomizeBuild, overlayRoot } from './support/kustomize.ts';
import { SEED_QUEUE_ID, seedJob, seedJobSpec } from './support/seed-job.ts';
import { objectKey, readKubeObjects, type KubeObject } from './support/yaml-files.ts';

const OVERLAYS = ['embedded', 'distributed'] as const;
const built = Object.fromEntries(
  OVERLAYS.map((o) => [o, kustomizeBuild(join(overlayRoot, 'overlays', o))]),
) as Record<(typeof OVERLAYS)[number], KubeObject[]>;

function find(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind}/${name} is missing`);
  return found;
}

interface PodSpecLike {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  containers: {
    name: string;
    image: string;
    args: string[];
    startupProbe: { httpGet: { path: string } };
    readinessProbe: { httpGet: { path: string } };
    livenessProbe: { httpGet: { path: string } };
    resources: { requests: Record<string, string>; limits: Record<string, string> };
  }[];
}

function managerPod(objects: KubeObject[]): PodSpecLike {
  const deployment = find(objects, 'Deployment', 'streamforge-queue-manager');
  return (deployment.spec as { template: { spec: PodSpecLike } }).template.spec;
}

describe('deploy/kubernetes', () => {
  for (const overlay of OVERLAYS) {
    it(`${overlay}: every object passes kubernetes-models and has no unknown field`, async () => {
      const problems = (await Promise.all(built[overlay].map((o) => kubernetesProblems(o)))).flat();
      assert.deepEqual(problems, []);
      for (const object of built[overlay]) {
        assert.equal(object.metadata.namespace, 'stf', objectKey(object));
        assert.equal(object.metadata.labels?.['app.kubernetes.io/part-of'], 'streamforge', objectKey(object));
      }
    });

    it(`${overlay}: kubectl kustomize builds the same objects`, (t) => {
      if ('skip' in kubectl)
        return t.skip(`${kubectl.skip}: the kustomize subset of test/deploy/support is the only build`);
      const run = spawnSync(kubectl.path, ['kustomize', join(overlayRoot, 'overlays', overlay)], {
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stderr);
      const theirs = parseAllDocuments(run.stdout).map((d) => d.toJS() as KubeObject);
      const sorted = (list: KubeObject[]): KubeObject[] =>
        [...list].sort((a, b) => objectKey(a).localeCompare(objectKey(b)));
      assert.deepEqual(sorted(built[overlay]), sorted(theirs));
    });

    it(`${overlay}: the manager is probed on its health routes, bounded, non-root`, () => {
      const pod = managerPod(built[overlay]);
      const [container] = pod.containers;
      assert.ok(container);
      assert.equal(container.image, `streamforge:${packageVersion()}`);
      assert.equal(container.startupProbe.httpGet.path, '/health/startup');
      assert.equal(container.readinessProbe.httpGet.path, '/health/ready');
      assert.equal(container.livenessProbe.httpGet.path, '/health/live');
      assert.ok(container.resources.requests.memory && container.resources.limits.memory);
      const deployment = find(built[overlay], 'Deployment', 'streamforge-queue-manager');
      assert.equal((deployment.spec as { replicas: number }).replicas, 1, 'single writer');
      const pdb = find(built[overlay], 'PodDisruptionBudget', 'streamforge-queue-manager');
      assert.deepEqual(
        (pdb.spec as { selector: unknown }).selector,
        (deployment.spec as { selector: unknown }).selector,
      );
    });
  }

  it('embedded runs `streamforge up` on a volume and needs no API access', () => {
    const pod = managerPod(built.embedded);
    assert.deepEqual(pod.containers[0]?.args.slice(0, 1), ['up']);
    assert.ok(pod.containers[0]?.args.includes('/data'));
    assert.equal(pod.automountServiceAccountToken, false);
    assert.ok(!built.embedded.some((o) => o.kind === 'Role' || o.kind === 'RoleBinding'));
  });

  it('distributed: the manager runs as the launcher account and jobs run its image', () => {
    const pod = managerPod(built.distributed);
    assert.deepEqual(pod.containers[0]?.args, ['queue-manager']);
    assert.equal(pod.serviceAccountName, 'streamforge-queue-manager');
    const config = find(built.distributed, 'ConfigMap', 'streamforge-manager-config');
    assert.equal((config.data as Record<string, string>).K8S_IMAGE, pod.containers[0]?.image);
    const binding = find(built.distributed, 'RoleBinding', 'streamforge-job-launcher');
    assert.deepEqual(binding.subjects, [
      { kind: 'ServiceAccount', name: 'streamforge-queue-manager', namespace: 'stf' },
    ]);
    const jobAccount = find(built.distributed, 'ServiceAccount', 'streamforge-job');
    assert.equal(jobAccount.automountServiceAccountToken, false);
  });

  it('the Job template is what the launcher generates from the overlay, and it validates', async () => {
    const config = find(built.distributed, 'ConfigMap', 'streamforge-manager-config');
    const generated = seedJob(config) as unknown as KubeObject;
    const [template] = readKubeObjects(join(overlayRoot, 'job-template', 'job.yaml'));
    assert.deepEqual(JSON.parse(JSON.stringify(generated)), template);
    assert.deepEqual(await kubernetesProblems(generated), []);
    const spec = generated.spec as {
      backoffLimit: number;
      ttlSecondsAfterFinished: number;
      template: { spec: { nodeSelector: Record<string, string>; containers: { envFrom: unknown[] }[] } };
    };
    // Seed 001: the nodeSelector, the TTL; the labels the launcher lists Jobs by.
    assert.deepEqual(spec.template.spec.nodeSelector, { 'streamforge-worker': 'true' });
    assert.equal(spec.ttlSecondsAfterFinished, 3600);
    assert.equal(spec.backoffLimit, 0);
    assert.equal(generated.metadata.labels?.queue_id, SEED_QUEUE_ID);
    // envFrom: the shared ConfigMap and Secret, then the connector's own Kafka user; the overlay ships
    // the ConfigMap, the examples document the Secrets.
    const envFrom = spec.template.spec.containers[0]?.envFrom as {
      configMapRef?: { name: string };
      secretRef?: { name: string };
    }[];
    assert.deepEqual(envFrom, [
      { configMapRef: { name: 'streamforge-config' } },
      { secretRef: { name: 'streamforge-secrets' } },
      { secretRef: { name: 'streamforge-arango-connector-kafka' } },
    ]);
    find(built.distributed, 'ConfigMap', 'streamforge-config');
    const secrets = readKubeObjects(join(overlayRoot, 'examples', 'secrets.yaml'));
    for (const ref of envFrom.slice(1)) find(secrets, 'Secret', ref.secretRef!.name);
    const own = find(secrets, 'Secret', 'streamforge-arango-connector-kafka');
    assert.equal((own.stringData as Record<string, string>).KAFKA_USER, 'streamforge-arango-connector');
  });

  it('jobs of long symbols still validate (labels shortened, names ≤ 63)', async () => {
    const config = find(built.distributed, 'ConfigMap', 'streamforge-manager-config');
    const data = config.data as Record<string, string>;
    const options = readKubernetesJobOptions({ ...data, K8S_NAMESPACE: 'stf' });
    const { jobManifest } = await import('../../src/launcher/kubernetes/job-manifest.ts');
    const { kubernetesJobName, queueId } = await import('../../src/protocol/naming.ts');
    const symbol = '1000SATSUSDT_PERPETUAL_QUARTERLY_CONTRACT';
    const queue = queueId(symbol, 'api_candles_1m', '2024-08-01', 'zz9yy8');
    const job = jobManifest(
      {
        ...seedJobSpec(),
        symbol,
        queueId: queue,
        target: 'visualizer', // graph-builder and gnn-trainer have Kafka users of their own now
        name: kubernetesJobName('visualizer', symbol, 'q1w2e3'),
      },
      ['dummy'],
      options,
    ) as unknown as KubeObject;
    assert.ok(queue.length > 63);
    assert.deepEqual(await kubernetesProblems(job), []);
    // A target without a Kafka user of its own gets the shared Secret only.
    const pod = (job.spec as { template: { spec: { containers: { envFrom: unknown[] }[] } } }).template.spec;
    assert.deepEqual(pod.containers[0]?.envFrom, [
      { configMapRef: { name: 'streamforge-config' } },
      { secretRef: { name: 'streamforge-secrets' } },
    ]);
  });

  it('every target’s Job, with its catalogue command, validates', async () => {
    const config = find(built.distributed, 'ConfigMap', 'streamforge-manager-config');
    const options = readKubernetesJobOptions({
      ...(config.data as Record<string, string>),
      K8S_NAMESPACE: 'stf',
    });
    const { jobManifest } = await import('../../src/launcher/kubernetes/job-manifest.ts');
    const { recipeFor } = await import('../../src/launcher/job-catalog.ts');
    const catalog = createJobCatalog();
    for (const { target } of JOB_DEFINITIONS) {
      const spec = { ...seedJobSpec(), target, telemetryId: `${target}__q1w2e3` };
      const job = jobManifest(
        spec,
        recipeFor(catalog, target).command(spec),
        options,
      ) as unknown as KubeObject;
      assert.deepEqual(await kubernetesProblems(job), [], target);
    }
  });

  it('the example Secrets validate and are not part of any overlay', async () => {
    const secrets = readKubeObjects(join(overlayRoot, 'examples', 'secrets.yaml'));
    assert.deepEqual((await Promise.all(secrets.map((s) => kubernetesProblems(s)))).flat(), []);
    for (const overlay of OVERLAYS) assert.ok(!built[overlay].some((o) => o.kind === 'Secret'));
  });

  it('a typo in a field is caught (the validation can fail)', async () => {
    const pod = structuredClone(find(built.distributed, 'Deployment', 'streamforge-queue-manager'));
    (pod.spec as { template: { spec: Record<string, unknown> } }).template.spec.serviceAcountName = 'x';
    const problems = await kubernetesProblems(pod);
    assert.match(problems.join('\n'), /serviceAcountName is not a field of V1PodSpec/);
  });

  describe('the Role allows exactly what the launcher calls', () => {
    const api = new FakeKubeApiServer();
    let server = '';
    before(async () => {
      server = await api.start();
    });
    after(() => api.close());

    it('launch, adopt, inspect, terminate: every request is allowed and every verb is used', async () => {
      const config = find(built.distributed, 'ConfigMap', 'streamforge-manager-config');
      const options = readKubernetesJobOptions({
        ...(config.data as Record<string, string>),
        K8S_NAMESPACE: 'stf',
        K8S_POLL_SECONDS: '1',
      });
      const launcher = new KubernetesLauncher({
        catalog: createJobCatalog(),
        kubeConfig: api.kubeConfig(server, 'stf'),
        jobs: options,
        logger: createLogger({ service: 'test', level: 'silent' }),
      });
      const spec = seedJobSpec();
      await launcher.launch(spec);
      await launcher.launch(spec); // a repeated launch: 409, then read to adopt
      await launcher.inspect([{ ...spec, ref: spec.name }]);
      await launcher.terminate({ ...spec, ref: spec.name });
      await launcher.close();

      // What the launcher really sent validates too.
      const bodies = api.requests.filter((r) => r.method === 'POST').map((r) => r.body as KubeObject);
      assert.equal(bodies.length, 2);
      assert.deepEqual((await Promise.all(bodies.map((b) => kubernetesProblems(b)))).flat(), []);

      const verbs = new Set(
        api.requests.map((r) => {
          assert.match(
            r.path,
            /^\/apis\/batch\/v1\/namespaces\/stf\/jobs(\/[^/]+)?$/,
            `${r.method} ${r.path}`,
          );
          const named = r.path.split('/').length === 8;
          return { POST: 'create', GET: named ? 'get' : 'list', DELETE: 'delete' }[r.method] ?? r.method;
        }),
      );
      const role = find(built.distributed, 'Role', 'streamforge-job-launcher');
      const rules = role.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
      assert.deepEqual(rules, [
        { apiGroups: ['batch'], resources: ['jobs'], verbs: [...verbs].sort((a, b) => order(a) - order(b)) },
      ]);
    });
  });
});

const VERB_ORDER = ['create', 'get', 'list', 'delete'];
function order(verb: string): number {
  return VERB_ORDER.indexOf(verb);
}

function packageVersion(): string {
  return (
    JSON.parse(readFileSync(join(overlayRoot, '..', '..', 'package.json'), 'utf8')) as { version: string }
  ).version;
}

// Every YAML file under deploy/kubernetes is read by one of the tests above.
it('deploy/kubernetes has no YAML file the tests do not read', () => {
  const read = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.yaml')) read.add(path.slice(overlayRoot.length + 1));
    }
  };
  walk(overlayRoot);
  const covered = [...read].filter(
    (p) =>
      p.startsWith('base/') ||
      p.startsWith('overlays/') ||
      p === 'job-template/job.yaml' ||
      p === 'examples/secrets.yaml',
  );
  assert.deepEqual(covered.sort(), [...read].sort());
});
