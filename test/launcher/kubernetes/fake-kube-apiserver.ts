// An in-process HTTP peer that speaks the real Kubernetes API for batch/v1 Jobs, as far as the
// launcher uses it: create (201 with the stored object; 409 AlreadyExists; 422 Invalid for names and
// label values), get, list with labelSelector (=, ==, !=, in, notin, exists, !exists), delete with
// propagationPolicy (recorded; Background and Foreground delete the Job's pods), Status bodies with
// reason, code and details. A small job controller lets tests move a Job to Complete or Failed.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig, type V1Job, type V1JobList, type V1Status } from '@kubernetes/client-node';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const JOBS_PATH = /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs(?:\/([^/]+))?$/;

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export class FakeKubeApiServer {
  readonly #server: Server;
  readonly jobs = new Map<string, V1Job>();
  readonly requests: RecordedRequest[] = [];
  /** Pods per Job name; removed when the Job is deleted with Background or Foreground propagation. */
  readonly pods = new Map<string, string[]>();
  readonly deletions: { name: string; propagationPolicy: string | undefined }[] = [];
  #resourceVersion = 1000;

  constructor() {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) =>
        send(res, 500, status(500, 'InternalError', String(error))),
      );
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  /** A KubeConfig pointing at this server, as a test would build one. */
  kubeConfig(server: string, namespace = 'stf'): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server, skipTLSVerify: true }],
      users: [{ name: 'tester', token: 'test-token' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'tester', namespace }],
      currentContext: 'fake',
    });
    return kc;
  }

  key(namespace: string, name: string): string {
    return `${namespace}/${name}`;
  }

  /** The job controller: the Job's pod ran to completion. */
  succeed(namespace: string, name: string): void {
    this.#setStatus(namespace, name, {
      succeeded: 1,
      active: 0,
      conditions: [condition('Complete', 'Completed')],
    });
  }

  /** The job controller: the Job failed (BackoffLimitExceeded, DeadlineExceeded…). */
  fail(namespace: string, name: string, reason = 'BackoffLimitExceeded'): void {
    this.#setStatus(namespace, name, { failed: 1, active: 0, conditions: [condition('Failed', reason)] });
  }

  #setStatus(namespace: string, name: string, status: NonNullable<V1Job['status']>): void {
    const job = this.jobs.get(this.key(namespace, name));
    if (!job) throw new Error(`no Job ${namespace}/${name}`);
    job.status = { ...job.status, ...status, completionTime: new Date() };
    job.metadata!.resourceVersion = String(++this.#resourceVersion);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    const body: unknown = raw ? JSON.parse(raw) : undefined;
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body });
    if (req.headers.authorization !== 'Bearer test-token') {
      return send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    }
    const match = JOBS_PATH.exec(url.pathname);
    if (!match)
      return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const [, namespace = '', name] = match;
    if (req.method === 'POST' && !name) return this.#create(res, namespace, body as V1Job);
    if (req.method === 'GET' && !name)
      return this.#list(res, namespace, url.searchParams.get('labelSelector'));
    if (req.method === 'GET' && name) {
      const job = this.jobs.get(this.key(namespace, name));
      return job ? send(res, 200, job) : send(res, 404, notFound(name));
    }
    if (req.method === 'DELETE' && name) {
      const policy =
        url.searchParams.get('propagationPolicy') ??
        (body as { propagationPolicy?: string } | undefined)?.propagationPolicy;
      return this.#delete(res, namespace, name, policy ?? undefined);
    }
    send(res, 405, status(405, 'MethodNotAllowed', `${req.method} is not supported on ${url.pathname}`));
  }

  #create(res: ServerResponse, namespace: string, job: V1Job): void {
    const name = job.metadata?.name ?? '';
    const causes: { reason: string; message: string; field: string }[] = [];
    if (!DNS1123_LABEL.test(name) || name.length > 63) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: 'metadata.name',
        message: `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')${name.length > 63 ? ', must be no more than 63 characters' : ''}`,
      });
    }
    for (const [key, value] of Object.entries(job.metadata?.labels ?? {})) {
      if (value.length > 63 || !LABEL_VALUE.test(value)) {
        causes.push({
          reason: 'FieldValueInvalid',
          field: `metadata.labels`,
          message: `Invalid value: "${value}": label ${key} must be no more than 63 characters`,
        });
      }
    }
    if (causes.length > 0) {
      return send(res, 422, {
        ...status(
          422,
          'Invalid',
          `Job.batch "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
        ),
        details: { name, group: 'batch', kind: 'Job', causes },
      });
    }
    const key = this.key(namespace, name);
    if (this.jobs.has(key)) {
      return send(res, 409, {
        ...status(409, 'AlreadyExists', `jobs.batch "${name}" already exists`),
        details: { name, group: 'batch', kind: 'jobs' },
      });
    }
    const uid = randomUUID();
    const stored: V1Job = structuredClone(job);
    stored.metadata = {
      ...stored.metadata,
      namespace,
      uid,
      resourceVersion: String(++this.#resourceVersion),
      generation: 1,
      creationTimestamp: new Date(),
    };
    const selectorLabels = {
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': name,
      'controller-uid': uid,
      'job-name': name,
    };
    stored.spec = {
      completions: 1,
      parallelism: 1,
      completionMode: 'NonIndexed',
      suspend: false,
      ...stored.spec!,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
      template: {
        ...stored.spec!.template,
        metadata: {
          ...stored.spec!.template.metadata,
          labels: { ...stored.spec!.template.metadata?.labels, ...selectorLabels },
        },
      },
    };
    stored.status = {
      active: 1,
      startTime: new Date(),
      ready: 0,
      terminating: 0,
      uncountedTerminatedPods: {},
    };
    this.jobs.set(key, stored);
    this.pods.set(key, [`${name}-${uid.slice(0, 5)}`]);
    send(res, 201, stored);
  }

  #list(res: ServerResponse, namespace: string, selector: string | null): void {
    let matches: (labels: Record<string, string>) => boolean;
    try {
      matches = parseSelector(selector ?? '');
    } catch (error) {
      return send(
        res,
        400,
        status(400, 'BadRequest', `unable to parse requirement: ${(error as Error).message}`),
      );
    }
    const items = [...this.jobs.entries()]
      .filter(([key, job]) => key.startsWith(`${namespace}/`) && matches(job.metadata?.labels ?? {}))
      .map(([, job]) => job);
    const list: V1JobList = {
      apiVersion: 'batch/v1',
      kind: 'JobList',
      metadata: { resourceVersion: String(this.#resourceVersion) },
      items,
    };
    send(res, 200, list);
  }

  #delete(res: ServerResponse, namespace: string, name: string, policy: string | undefined): void {
    const key = this.key(namespace, name);
    const job = this.jobs.get(key);
    if (!job) return send(res, 404, notFound(name));
    this.deletions.push({ name, propagationPolicy: policy });
    this.jobs.delete(key);
    // Without Background or Foreground the legacy default for Jobs orphans the pods: they keep running.
    if (policy === 'Background' || policy === 'Foreground') this.pods.delete(key);
    send(res, 200, {
      ...status(200, undefined, undefined),
      status: 'Success',
      details: { name, group: 'batch', kind: 'jobs', uid: job.metadata?.uid },
    });
  }
}

function condition(type: 'Complete' | 'Failed', reason: string) {
  const now = new Date();
  return { type, status: 'True', reason, message: reason, lastProbeTime: now, lastTransitionTime: now };
}

function status(code: number, reason: string | undefined, message: string | undefined): V1Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: code < 400 ? 'Success' : 'Failure',
    message,
    reason,
    code,
  };
}

function notFound(name: string): V1Status {
  return {
    ...status(404, 'NotFound', `jobs.batch "${name}" not found`),
    details: { name, group: 'batch', kind: 'jobs' },
  };
}

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Kubernetes label selector syntax: a=b, a==b, a!=b, a in (x,y), a notin (x,y), a, !a — comma-separated. */
export function parseSelector(selector: string): (labels: Record<string, string>) => boolean {
  const requirements: ((labels: Record<string, string>) => boolean)[] = [];
  const parts = selector.match(/[^,()]+(\([^)]*\))?/g) ?? [];
  for (const part of parts.map((p) => p.trim()).filter(Boolean)) {
    let m: RegExpExecArray | null;
    if ((m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part))) {
      const [, key = '', op, list = ''] = m;
      const values = new Set(list.split(',').map((v) => v.trim()));
      requirements.push(
        op === 'in' ? (l) => key in l && values.has(l[key]!) : (l) => !(key in l) || !values.has(l[key]!),
      );
    } else if ((m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(part))) {
      const [, key = '', op, value] = m;
      requirements.push(op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value);
    } else if ((m = /^!([\w./-]+)$/.exec(part))) {
      const key = m[1]!;
      requirements.push((l) => !(key in l));
    } else if ((m = /^([\w./-]+)$/.exec(part))) {
      const key = m[1]!;
      requirements.push((l) => key in l);
    } else {
      throw new Error(`"${part}"`);
    }
  }
  return (labels) => requirements.every((r) => r(labels));
}
