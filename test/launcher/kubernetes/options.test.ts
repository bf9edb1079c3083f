import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readKubernetesJobOptions } from '../../../src/launcher/index.ts';

describe('kubernetes job options', () => {
  it('takes an image per target from K8S_IMAGE_<TARGET> for any target, without a list of targets', () => {
    const options = readKubernetesJobOptions({
      K8S_NAMESPACE: 'jobs',
      K8S_IMAGE: 'streamforge:1',
      K8S_IMAGE_LOADER_PRODUCER: 'loader:2',
      // A target the launcher has never heard of: a new job definition needs no change here.
      K8S_IMAGE_ECHO_JOB: 'echo:3',
      K8S_IMAGE_PULL_SECRET: 'regcred',
    });
    assert.equal(options.image, 'streamforge:1');
    assert.deepEqual(options.images, { 'loader-producer': 'loader:2', 'echo-job': 'echo:3' });
    assert.equal(options.imagePullSecret, 'regcred', 'the pull secret is not an image');
  });
});
