// Offline validation of Kubernetes objects, two ways: kubernetes-models' validate() (types, required
// fields, formats of the API's OpenAPI schema) and, since its schemas allow any extra property, a walk
// over @kubernetes/client-node's type map that rejects fields the API does not have (a typo such as
// `serviceAcountName` would otherwise be dropped silently by the API server).
import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from './yaml-files.ts';

interface Attribute {
  baseName: string;
  type: string;
}
type ModelClass = { getAttributeTypeMap(): Attribute[] } | undefined;

/** `apps/v1` + Deployment → kubernetes-models/apps/v1/Deployment; `v1` → kubernetes-models/v1/…. */
async function modelOf(object: KubeObject): Promise<{ validate(): void }> {
  const path = `kubernetes-models/${object.apiVersion}/${object.kind}`;
  let module: Record<string, new (data: unknown) => { validate(): void }>;
  try {
    module = (await import(path)) as typeof module;
  } catch {
    throw new Error(
      `${object.kind} ${object.apiVersion} is not a Kubernetes API type known to kubernetes-models`,
    );
  }
  const Model = module[object.kind];
  if (!Model) throw new Error(`${path} exports no ${object.kind}`);
  return new Model(object);
}

/** `apps/v1` + Deployment → V1Deployment; `policy/v1` PodDisruptionBudget → V1PodDisruptionBudget. */
function clientModel(object: KubeObject): ModelClass {
  const version = object.apiVersion.split('/').pop() ?? '';
  const name = `${version.charAt(0).toUpperCase()}${version.slice(1)}${object.kind}`;
  return (k8s as unknown as Record<string, ModelClass>)[name];
}

function unknownFields(value: unknown, type: string, path: string, problems: string[]): void {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) value.forEach((v, i) => unknownFields(v, array[1]!, `${path}[${i}]`, problems));
    return;
  }
  const model = (k8s as unknown as Record<string, ModelClass>)[type];
  if (!model || typeof value !== 'object' || Array.isArray(value)) return; // scalars, maps, IntOrString
  const attributes = model.getAttributeTypeMap();
  for (const [key, child] of Object.entries(value)) {
    const attribute = attributes.find((a) => a.baseName === key);
    if (!attribute) problems.push(`${path}.${key} is not a field of ${type}`);
    else unknownFields(child, attribute.type, `${path}.${key}`, problems);
  }
}

/** Every problem of one object, [] when it is valid. */
export async function kubernetesProblems(object: KubeObject): Promise<string[]> {
  const where = `${object.kind}/${object.metadata.name}`;
  const problems: string[] = [];
  try {
    (await modelOf(object)).validate();
  } catch (error) {
    problems.push(`${where}: ${(error as Error).message}`);
  }
  const model = clientModel(object);
  if (!model) problems.push(`${where}: no client-node model for ${object.apiVersion} ${object.kind}`);
  else {
    const found: string[] = [];
    unknownFields(object, clientModelName(object), '', found);
    problems.push(...found.map((p) => `${where}: ${p}`));
  }
  return problems;
}

function clientModelName(object: KubeObject): string {
  const version = object.apiVersion.split('/').pop() ?? '';
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${object.kind}`;
}
