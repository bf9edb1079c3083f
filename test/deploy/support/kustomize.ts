// The part of kustomize that deploy/kubernetes uses, so the tests can build the overlays without the
// kustomize binary: resources (files and folders), namespace, labels (metadata only), images, patches
// (strategic merge with the merge keys of the fields we patch) and replacements (one fieldPath form).
// Where `kubectl kustomize` exists, kubernetes.test.ts checks that it builds exactly the same objects.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readKubeObjects, readYamlDocuments, type KubeObject } from './yaml-files.ts';

interface Kustomization {
  resources?: string[];
  namespace?: string;
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  patches?: { path: string }[];
  replacements?: Replacement[];
}

interface Replacement {
  source: { kind: string; name: string; fieldPath: string };
  targets: { select: { kind: string; name: string }; fieldPaths: string[] }[];
}

const KNOWN = new Set([
  'apiVersion',
  'kind',
  'resources',
  'namespace',
  'labels',
  'images',
  'patches',
  'replacements',
]);
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
]);

/** The objects `kustomize build dir` would print (in resource order, not kustomize's kind order). */
export function kustomizeBuild(dir: string): KubeObject[] {
  const [doc] = readYamlDocuments(join(dir, 'kustomization.yaml'));
  const k = doc as Kustomization;
  const unknown = Object.keys(k).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0)
    throw new Error(`${dir}: this kustomize subset does not implement ${unknown.join(', ')}`);
  let objects: KubeObject[] = [];
  for (const resource of k.resources ?? []) {
    const path = join(dir, resource);
    objects.push(...(statSync(path).isDirectory() ? kustomizeBuild(path) : readKubeObjects(path)));
  }
  objects = structuredClone(objects);
  for (const patch of k.patches ?? []) {
    for (const p of readKubeObjects(join(dir, patch.path))) {
      const target = objects.find((o) => o.kind === p.kind && o.metadata.name === p.metadata.name);
      if (!target) throw new Error(`${dir}: patch ${patch.path} matches no ${p.kind}/${p.metadata.name}`);
      strategicMerge(target, p, '');
    }
  }
  for (const object of objects) {
    if (k.namespace && !CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = k.namespace;
    for (const label of k.labels ?? []) {
      if (label.includeSelectors || label.includeTemplates)
        throw new Error(`${dir}: labels only on metadata here`);
      object.metadata.labels = { ...object.metadata.labels, ...label.pairs };
    }
    for (const container of containersOf(object)) container.image = newImage(container.image, k.images ?? []);
  }
  for (const replacement of k.replacements ?? []) replace(objects, replacement);
  return objects;
}

/** Lists merged element by element on these keys (as Kubernetes' patchMergeKey); other lists are replaced. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  volumes: 'name',
  volumeMounts: 'name',
  env: 'name',
  imagePullSecrets: 'name',
};

function strategicMerge(target: Record<string, unknown>, patch: Record<string, unknown>, path: string): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (value === null) delete target[key];
    else if (Array.isArray(value) && Array.isArray(current) && MERGE_KEYS[key]) {
      const mergeKey = MERGE_KEYS[key];
      const added: unknown[] = [];
      for (const item of value as Record<string, unknown>[]) {
        const match = (current as Record<string, unknown>[]).find((c) => c[mergeKey] === item[mergeKey]);
        if (match) strategicMerge(match, item, `${path}.${key}`);
        else added.push(structuredClone(item));
      }
      // As kustomize's merge does: elements only the patch has come first, in the patch's order.
      current.unshift(...added);
    } else if (isMap(value) && isMap(current)) strategicMerge(current, value, `${path}.${key}`);
    else target[key] = structuredClone(value);
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Container {
  name: string;
  image: string;
}

function containersOf(object: KubeObject): Container[] {
  const spec = object.spec as { template?: { spec?: Record<string, unknown> } } | undefined;
  const pod = spec?.template?.spec;
  if (!pod) return [];
  return [
    ...((pod.containers as Container[] | undefined) ?? []),
    ...((pod.initContainers as Container[] | undefined) ?? []),
  ];
}

function newImage(image: string, images: NonNullable<Kustomization['images']>): string {
  const at = image.search(/[:@][^/]*$/);
  const name = at < 0 ? image : image.slice(0, at);
  const rule = images.find((i) => i.name === name);
  if (!rule) return image;
  const tag = rule.newTag === undefined ? (at < 0 ? '' : image.slice(at)) : `:${rule.newTag}`;
  return `${rule.newName ?? name}${tag}`;
}

/** Field paths like `spec.template.spec.containers.[name=queue-manager].image` or `data.K8S_IMAGE`. */
function resolve(
  object: unknown,
  fieldPath: string,
  create: boolean,
): { parent: Record<string, unknown>; key: string } {
  const parts = fieldPath.split('.');
  let node = object as Record<string, unknown>;
  for (const [index, part] of parts.entries()) {
    if (index === parts.length - 1) return { parent: node, key: part };
    const selector = /^\[(.+)=(.+)\]$/.exec(part);
    let next: unknown;
    if (selector)
      next = (node as unknown as Record<string, unknown>[]).find((e) => e[selector[1]!] === selector[2]);
    else {
      next = node[part];
      if (next === undefined && create) next = node[part] = {};
    }
    if (typeof next !== 'object' || next === null)
      throw new Error(`field path ${fieldPath}: nothing at ${part}`);
    node = next as Record<string, unknown>;
  }
  throw new Error(`empty field path`);
}

function replace(objects: KubeObject[], replacement: Replacement): void {
  const { source, targets } = replacement;
  const from = objects.find((o) => o.kind === source.kind && o.metadata.name === source.name);
  if (!from) throw new Error(`replacement source ${source.kind}/${source.name} not found`);
  const { parent, key } = resolve(from, source.fieldPath, false);
  const value = parent[key];
  for (const target of targets) {
    for (const object of objects.filter(
      (o) => o.kind === target.select.kind && o.metadata.name === target.select.name,
    )) {
      for (const fieldPath of target.fieldPaths) {
        const at = resolve(object, fieldPath, true);
        at.parent[at.key] = value;
      }
    }
  }
}

function kubectlPath(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'kubectl'))) return join(dir, 'kubectl');
  }
  return undefined;
}

/**
 * kubectl, when it is installed and its built-in kustomize is v5 or later (`labels:` and `replacements:`
 * need it; Debian 12's kubernetes-client is kubectl 1.20 with kustomize v2). Else why the tests that run
 * `kubectl kustomize` are skipped.
 */
export const kubectl: { path: string } | { skip: string } = (() => {
  const path = kubectlPath();
  if (!path) return { skip: 'kubectl is not installed' };
  const version = spawnSync(path, ['version', '--client'], { encoding: 'utf8' }).stdout;
  const major = Number(/Kustomize Version: v(\d+)/.exec(version)?.[1] ?? 0);
  return major >= 5
    ? { path }
    : { skip: `kubectl's kustomize is older than v5 (${version.trim().split('\n')[0]})` };
})();

export const overlayRoot = join(dirname(dirname(dirname(import.meta.dirname))), 'deploy', 'kubernetes');
