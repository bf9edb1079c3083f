// Seed 001's example Job (arango-connector of wf-btcusdt-api_candles_1m-20240801-abc123), built the way
// the queue manager builds it: the launcher's options read from the distributed overlay's ConfigMap.
import type { V1Job } from '@kubernetes/client-node';
import { jobManifest } from '../../../src/launcher/kubernetes/job-manifest.ts';
import { readKubernetesJobOptions } from '../../../src/launcher/kubernetes/options.ts';
import type { JobSpec } from '../../../src/launcher/types.ts';
import { dataTopic, kubernetesJobName } from '../../../src/protocol/naming.ts';
import type { KubeObject } from './yaml-files.ts';

export const SEED_QUEUE_ID = 'wf-btcusdt-api_candles_1m-20240801-abc123';

export function seedJobSpec(): JobSpec {
  return {
    queueId: SEED_QUEUE_ID,
    telemetryId: 'arango-connector__k3v9qa',
    target: 'arango-connector',
    type: 'api_candles_1m',
    symbol: 'BTCUSDT',
    timeRange: '2024-08-01:2024-08-01',
    attempt: 1,
    name: kubernetesJobName('arango-connector', 'BTCUSDT', 'k3v9qa'),
    dataTopic: dataTopic(SEED_QUEUE_ID, 'api_candles_1m'),
    collection: 'btcusdt_api_candles_1m_2024_08_01',
    controlTopic: 'queue-control',
    eventsTopic: 'queue-events',
    params: {},
    upstreamProducer: 'loader-producer__x7p2mn',
  };
}

/** The Job the launcher makes for the seed's spec under the manager's ConfigMap, in the overlay's namespace. */
export function seedJob(managerConfig: KubeObject): V1Job {
  const data = managerConfig.data as Record<string, string>;
  const options = readKubernetesJobOptions({ ...data, K8S_NAMESPACE: managerConfig.metadata.namespace });
  return jobManifest(seedJobSpec(), ['connector'], options);
}
