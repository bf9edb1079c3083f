import {
  ErrorCodes,
  StreamForgeError,
  collectionName,
  dataTopic,
  kubernetesJobName,
  parseTimeRange,
  queueId as makeQueueId,
  telemetryId as makeTelemetryId,
} from '../../../protocol/index.ts';
// The launcher's files, not its index: `up` must not load the Kubernetes client the index brings.
import { definitionsOf, type JobCatalog } from '../../../launcher/job-catalog.ts';
import { ruleOf, type JobDefinition } from '../../../launcher/job-definition.ts';
import { dependencies } from './dependencies.ts';
import { resolveInputs, namesOf } from './inputs.ts';
import type { JobRequest, ResolvedInput, StartQueue } from './schema.ts';

/** One job of a planned queue, with every name it will carry. */
export interface PlannedJob {
  position: number;
  telemetryId: string;
  target: string;
  type: string;
  streaming: boolean;
  jobName: string;
  topic: string;
  collection: string;
  params: Record<string, unknown>;
  /** What each input name of the request resolved to; the job's environment carries the collections. */
  inputs: ResolvedInput[];
  dependsOn: string[];
}

export interface PlannedQueue {
  queueId: string;
  symbol: string;
  timeRange: string;
  jobs: PlannedJob[];
  request: StartQueue;
}

/** Kubernetes Job name of an attempt: the telemetry id's random part, plus `-r{n}` for retries. */
export function jobNameFor(target: string, symbol: string, telemetryId: string, attempt: number): string {
  const short = telemetryId.slice(telemetryId.lastIndexOf('__') + 2);
  return kubernetesJobName(target, symbol, attempt > 1 ? `${short}-r${attempt}` : short);
}

/**
 * Checks what the schema cannot (types per target, intervals, the time range, the DAG) and names the
 * queue and its jobs. Throws SF_INVALID_REQUEST listing every reason at once.
 */
export function planQueue(body: StartQueue, catalog: JobCatalog): PlannedQueue {
  const definitions = new Map(definitionsOf(catalog).map((d) => [d.target, d]));
  const reasons: string[] = [];
  const field = body.requests !== undefined ? 'requests' : 'microservices';
  const requests = body.requests ?? body.microservices;
  if (body.requests !== undefined && body.microservices !== undefined) {
    reasons.push('give "requests" or its alias "microservices", not both');
  }
  if (requests === undefined)
    reasons.push('"requests" (or its alias "microservices") is required: the jobs of the queue');
  let start = '';
  try {
    start = parseTimeRange(body.time_range).start;
  } catch (error) {
    reasons.push((error as Error).message);
  }
  const symbol = body.symbol.toUpperCase();
  const jobs: (PlannedJob & { definition: JobDefinition })[] = [];
  const queue = start && requests?.[0] ? makeQueueId(symbol, requests[0].type, start) : '';
  const seen = new Map<string, number>();
  (requests ?? []).forEach((request: JobRequest, position) => {
    const where = `${field}[${position}]`;
    const definition = definitions.get(request.target);
    const streaming = checkType(request, where, definition, [...definitions.keys()], reasons);
    const pair = `${request.target} ${request.type}`;
    const first = seen.get(pair);
    if (first !== undefined)
      reasons.push(`${where} repeats ${pair} of ${field}[${first}]: one job per target and type`);
    seen.set(pair, position);
    if (streaming === undefined || !definition || !queue) return;
    const { target, type, ...params } = request;
    const telemetryId = makeTelemetryId(target);
    jobs.push({
      definition,
      position,
      telemetryId,
      target,
      type,
      streaming,
      jobName: jobNameFor(target, symbol, telemetryId, 1),
      topic: dataTopic(queue, type),
      collection: outputOf(definition, params) ?? collectionName(symbol, type, start),
      params,
      inputs: [],
      dependsOn: [],
    });
  });
  if (reasons.length === 0) {
    const nodes = jobs.map((job) => ({
      telemetryId: job.telemetryId,
      type: job.type,
      label: `${field}[${job.position}] (${job.target} ${job.type})`,
      definition: job.definition,
      params: job.params,
      output: job.definition.output ? job.collection : undefined,
    }));
    const unresolved: string[] = [];
    nodes.forEach((node, i) => {
      const job = jobs[i]!;
      job.inputs = resolveInputs(node, nodes, `${field}[${job.position}]`, unresolved);
      // A job that writes nothing is named after what it reads (a visualizer's source).
      if (!job.definition.output && job.inputs[0]) job.collection = job.inputs[0].resolved_collection;
    });
    if (unresolved.length > 0) throw invalidRequest(unresolved, ErrorCodes.INPUT_UNRESOLVED);
    const deps = dependencies(jobs.map((job) => ({ ...job, upstream: job.definition.upstream })));
    for (const job of jobs) {
      job.dependsOn = deps.get(job.telemetryId) ?? [];
      for (const dep of job.dependsOn.map((id) => jobs.find((j) => j.telemetryId === id)!)) {
        if (dep.streaming) {
          reasons.push(
            `${field}[${job.position}] (${job.target} ${job.type}) would wait for ${field}[${dep.position}] (${dep.target} ${dep.type}), which streams and never finishes: use a realtime type or drop the dependency`,
          );
        }
      }
    }
  }
  if (reasons.length > 0) throw invalidRequest(reasons);
  return {
    queueId: queue,
    symbol,
    timeRange: body.time_range,
    jobs: jobs.map(({ definition: _definition, ...job }) => job),
    request: body,
  };
}

/** The request's streaming flag, or undefined (with a reason) when its type is not one of its target's. */
function checkType(
  request: JobRequest,
  where: string,
  definition: JobDefinition | undefined,
  targets: readonly string[],
  reasons: string[],
): boolean | undefined {
  if (!definition) {
    reasons.push(`${where}.target "${request.target}" is unknown: expected one of ${targets.join(', ')}`);
    return undefined;
  }
  const rule = ruleOf(definition, request.type);
  if (!rule) {
    const examples = definition.types.map((r) => r.example).join(', ');
    reasons.push(
      `${where}.type "${request.type}" is not a type of ${request.target}: expected one like ${examples}`,
    );
    return undefined;
  }
  const candle = /_candles_([0-9]+[smhdw])$/.exec(request.type);
  if (request.interval !== undefined && (!candle || candle[1] !== request.interval)) {
    reasons.push(
      candle
        ? `${where}.interval "${request.interval}" does not match the type ${request.type} (interval ${candle[1]})`
        : `${where}.interval is only for candle types, not ${request.type}`,
    );
  }
  return rule.streaming;
}

/** The collection the request names in its definition's output field, if it names one. */
function outputOf(definition: JobDefinition, params: Readonly<Record<string, unknown>>): string | undefined {
  const field = definition.output?.field;
  return field === undefined ? undefined : namesOf(params[field])[0];
}

export function invalidRequest(
  reasons: string[],
  code: typeof ErrorCodes.INVALID_REQUEST | typeof ErrorCodes.INPUT_UNRESOLVED = ErrorCodes.INVALID_REQUEST,
): StreamForgeError {
  const error = new StreamForgeError(
    code,
    reasons.length === 1 ? reasons[0]! : `${reasons.length} problems: ${reasons.join('; ')}`,
  );
  (error as StreamForgeError & { reasons: string[] }).reasons = reasons;
  return error;
}
