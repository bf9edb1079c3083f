import type { V1EnvFromSource, V1Job } from '@kubernetes/client-node';
import { jobEnvironment } from '../job-env.ts';
import type { JobSpec } from '../types.ts';
import { labelValue } from './labels.ts';
import type { KubernetesJobOptions } from './options.ts';

/** Label keys, as seed 001's manifest has them; every StreamForge Job carries all four (and the attempt). */
export const LABELS = {
  app: 'app',
  queueId: 'queue_id',
  target: 'target',
  telemetryId: 'telemetry_id',
  attempt: 'attempt',
} as const;
export const APP = 'streamforge';
/** Full values, for when a label had to be shortened. */
export const QUEUE_ID_ANNOTATION = 'streamforge.io/queue-id';

/** The labels of one attempt of one job, valid whatever the symbol and type. */
export function jobLabels(
  spec: Pick<JobSpec, 'queueId' | 'target' | 'telemetryId' | 'attempt'>,
): Record<string, string> {
  return {
    [LABELS.app]: APP,
    [LABELS.queueId]: labelValue(spec.queueId),
    [LABELS.target]: labelValue(spec.target),
    [LABELS.telemetryId]: labelValue(spec.telemetryId),
    [LABELS.attempt]: String(spec.attempt),
  };
}

/**
 * A batch/v1 Job like seed 001's: restartPolicy Never, the job's variables as plain env, connection
 * settings and secrets only through envFrom (a ConfigMap and a Secret, never inline), the Kafka CA as a
 * read-only volume, optional nodeSelector, backoffLimit and ttlSecondsAfterFinished.
 */
export function jobManifest(spec: JobSpec, args: string[], options: KubernetesJobOptions): V1Job {
  const labels = jobLabels(spec);
  const env = Object.entries(jobEnvironment(spec)).map(([name, value]) => ({ name, value }));
  const envFrom: V1EnvFromSource[] = [];
  if (options.envConfigMap) envFrom.push({ configMapRef: { name: options.envConfigMap } });
  if (options.envSecret) envFrom.push({ secretRef: { name: options.envSecret } });
  // Last, so its keys (the target's own KAFKA_USER and KAFKA_PASSWORD) win over the shared ones.
  const own = options.envSecrets[spec.target];
  if (own) envFrom.push({ secretRef: { name: own } });
  const ca = options.kafkaCaSecret;
  if (ca) env.push({ name: 'KAFKA_CA_PATH', value: `${options.kafkaCaMountPath}/${options.kafkaCaKey}` });
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: spec.name,
      namespace: options.namespace,
      labels,
      annotations: { [QUEUE_ID_ANNOTATION]: spec.queueId },
    },
    spec: {
      backoffLimit: options.backoffLimit,
      ttlSecondsAfterFinished: options.ttlSecondsAfterFinished,
      ...(options.activeDeadlineSeconds === undefined
        ? {}
        : { activeDeadlineSeconds: options.activeDeadlineSeconds }),
      template: {
        metadata: { labels, annotations: { [QUEUE_ID_ANNOTATION]: spec.queueId } },
        spec: {
          restartPolicy: 'Never',
          ...(options.serviceAccountName ? { serviceAccountName: options.serviceAccountName } : {}),
          ...(options.imagePullSecret ? { imagePullSecrets: [{ name: options.imagePullSecret }] } : {}),
          ...(options.nodeSelector ? { nodeSelector: { ...options.nodeSelector } } : {}),
          containers: [
            {
              name: spec.target,
              image: options.images[spec.target] ?? options.image,
              args,
              env,
              ...(envFrom.length > 0 ? { envFrom } : {}),
              ...(ca
                ? {
                    volumeMounts: [{ name: 'kafka-ca', mountPath: options.kafkaCaMountPath, readOnly: true }],
                  }
                : {}),
            },
          ],
          ...(ca
            ? {
                volumes: [
                  {
                    name: 'kafka-ca',
                    secret: {
                      secretName: ca,
                      items: [{ key: options.kafkaCaKey, path: options.kafkaCaKey }],
                    },
                  },
                ],
              }
            : {}),
        },
      },
    },
  };
}
