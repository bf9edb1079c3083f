export type * from './types.ts';
export * from './job-catalog.ts';
export { jobEnvironment } from './job-env.ts';
export { InlineLauncher, type InlineLauncherOptions } from './inline/inline-launcher.ts';
export { ProcessLauncher, type ProcessLauncherOptions } from './process/process-launcher.ts';
export { KubernetesLauncher, type KubernetesLauncherOptions } from './kubernetes/kubernetes-launcher.ts';
export { jobManifest, jobLabels, LABELS, APP } from './kubernetes/job-manifest.ts';
export { readKubernetesJobOptions, type KubernetesJobOptions } from './kubernetes/options.ts';
export { labelValue } from './kubernetes/labels.ts';
