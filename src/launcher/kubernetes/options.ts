import { readFileSync } from 'node:fs';
import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import { readInteger, readString, type Env } from '../../runtime/index.ts';

/** How Jobs are shaped. Read once from K8S_* variables (defaults below), frozen. */
export interface KubernetesJobOptions {
  /** K8S_NAMESPACE; default: the namespace the manager's pod runs in, else 'default'. */
  readonly namespace: string;
  /** K8S_IMAGE: image of every target without its own; default 'streamforge:latest'. Its entrypoint is the streamforge CLI. */
  readonly image: string;
  /** K8S_IMAGE_<TARGET> (e.g. K8S_IMAGE_LOADER_PRODUCER): image per target. */
  readonly images: Readonly<Record<string, string>>;
  /** K8S_ENV_CONFIGMAP: ConfigMap every job gets as envFrom; default 'streamforge-config'; '-' for none. */
  readonly envConfigMap: string | undefined;
  /** K8S_ENV_SECRET: Secret every job gets as envFrom (KAFKA_PASSWORD…); default 'streamforge-secrets'; '-' for none. */
  readonly envSecret: string | undefined;
  /**
   * K8S_ENV_SECRET_<TARGET> (e.g. K8S_ENV_SECRET_LOADER_PRODUCER): a Secret that target's jobs get as
   * envFrom after K8S_ENV_SECRET, so its keys win: a Kafka user (KAFKA_USER, KAFKA_PASSWORD) of its own
   * with only the ACLs that target needs.
   */
  readonly envSecrets: Readonly<Record<string, string>>;
  /** K8S_KAFKA_CA_SECRET: Secret holding the Kafka CA, mounted read-only; default 'streamforge-kafka-ca'; '-' for none. */
  readonly kafkaCaSecret: string | undefined;
  /** K8S_KAFKA_CA_KEY: key of the CA in that Secret; default 'ca.crt'. */
  readonly kafkaCaKey: string;
  /** K8S_KAFKA_CA_MOUNT: directory the CA is mounted at; default '/etc/streamforge/kafka-ca'. KAFKA_CA_PATH points into it. */
  readonly kafkaCaMountPath: string;
  /** K8S_NODE_SELECTOR: `key=value,key=value`; default none. */
  readonly nodeSelector: Readonly<Record<string, string>> | undefined;
  /**
   * K8S_BACKOFF_LIMIT; default 0. The seed's example says 2, but a pod restarted by Kubernetes would
   * publish a second life under the same telemetry_id after its terminal event; retries belong to the
   * manager's retry verb, which starts a new attempt under a new Job name.
   */
  readonly backoffLimit: number;
  /** K8S_TTL_SECONDS_AFTER_FINISHED; default 3600 (seed 001). */
  readonly ttlSecondsAfterFinished: number;
  /** K8S_ACTIVE_DEADLINE_SECONDS; default none. */
  readonly activeDeadlineSeconds: number | undefined;
  /** K8S_IMAGE_PULL_SECRET (e.g. regcred); default none. */
  readonly imagePullSecret: string | undefined;
  /** K8S_SERVICE_ACCOUNT of the jobs' pods; default none (the namespace's default). */
  readonly serviceAccountName: string | undefined;
  /** K8S_POLL_SECONDS: how often running Jobs are listed to notice ended ones; default 10. */
  readonly pollIntervalMs: number;
}

const IN_CLUSTER_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export function readKubernetesJobOptions(env: Env): KubernetesJobOptions {
  const none = (name: string, fallback: string): string | undefined => {
    const value = readString(env, name, fallback);
    return value === '-' ? undefined : value;
  };
  // Any target's image and env secret, without a list of targets here: K8S_IMAGE_GRAPH_BUILDER → graph-builder.
  const images: Record<string, string> = {};
  const envSecrets: Record<string, string> = {};
  for (const name of Object.keys(env)) {
    const [, kind, suffix] = /^K8S_(IMAGE|ENV_SECRET)_([A-Z0-9_]+)$/.exec(name) ?? [];
    if (suffix === undefined || suffix === 'PULL_SECRET') continue;
    const target = suffix.toLowerCase().replaceAll('_', '-');
    const value = readString(env, name);
    if (value === undefined) continue;
    if (kind === 'IMAGE') images[target] = value;
    else if (value !== '-') envSecrets[target] = value;
  }
  const deadline = readInteger(env, 'K8S_ACTIVE_DEADLINE_SECONDS', 0);
  return Object.freeze({
    namespace: readString(env, 'K8S_NAMESPACE') ?? podNamespace() ?? 'default',
    image: readString(env, 'K8S_IMAGE', 'streamforge:latest'),
    images: Object.freeze(images),
    envConfigMap: none('K8S_ENV_CONFIGMAP', 'streamforge-config'),
    envSecret: none('K8S_ENV_SECRET', 'streamforge-secrets'),
    envSecrets: Object.freeze(envSecrets),
    kafkaCaSecret: none('K8S_KAFKA_CA_SECRET', 'streamforge-kafka-ca'),
    kafkaCaKey: readString(env, 'K8S_KAFKA_CA_KEY', 'ca.crt'),
    kafkaCaMountPath: readString(env, 'K8S_KAFKA_CA_MOUNT', '/etc/streamforge/kafka-ca'),
    nodeSelector: parseSelector(readString(env, 'K8S_NODE_SELECTOR')),
    backoffLimit: readInteger(env, 'K8S_BACKOFF_LIMIT', 0),
    ttlSecondsAfterFinished: readInteger(env, 'K8S_TTL_SECONDS_AFTER_FINISHED', 3600),
    activeDeadlineSeconds: deadline > 0 ? deadline : undefined,
    imagePullSecret: readString(env, 'K8S_IMAGE_PULL_SECRET'),
    serviceAccountName: readString(env, 'K8S_SERVICE_ACCOUNT'),
    pollIntervalMs: readInteger(env, 'K8S_POLL_SECONDS', 10, 1) * 1000,
  });
}

function parseSelector(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  const selector: Record<string, string> = {};
  for (const pair of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      throw new StreamForgeError(
        ErrorCodes.INVALID_CONFIG,
        `K8S_NODE_SELECTOR: "${pair}" is not key=value (expected e.g. streamforge-worker=true)`,
      );
    }
    selector[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return Object.freeze(selector);
}

function podNamespace(): string | undefined {
  try {
    return readFileSync(IN_CLUSTER_NAMESPACE, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
