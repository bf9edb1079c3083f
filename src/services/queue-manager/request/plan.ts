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
import { typeRule, type JobCatalog } from '../../../launcher/job-catalog.ts';
import { dependencies } from './dependencies.ts';
import type { JobRequest, StartQueue } from './schema.ts';

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
  const jobs: PlannedJob[] = [];
  const queue = start && requests?.[0] ? makeQueueId(symbol, requests[0].type, start) : '';
  const seen = new Map<string, number>();
  (requests ?? []).forEach((request, position) => {
    const where = `${field}[${position}]`;
    const streaming = checkType(request, where, catalog, reasons);
    const pair = `${request.target} ${request.type}`;
    const first = seen.get(pair);
    if (first !== undefined)
      reasons.push(`${where} repeats ${pair} of ${field}[${first}]: one job per target and type`);
    seen.set(pair, position);
    if (streaming === undefined || !queue) return;
    const { target, type, ...params } = request;
    const telemetryId = makeTelemetryId(target);
    jobs.push({
      position,
      telemetryId,
      target,
      type,
      streaming,
      jobName: jobNameFor(target, symbol, telemetryId, 1),
      topic: dataTopic(queue, type),
      collection: collectionOf(request, symbol, start),
      params,
      dependsOn: [],
    });
  });
  if (reasons.length === 0) {
    const deps = dependencies(jobs);
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
  return { queueId: queue, symbol, timeRange: body.time_range, jobs, request: body };
}

/** The request's streaming flag, or undefined (with a reason) when its type is not one of its target's. */
function checkType(
  request: JobRequest,
  where: string,
  catalog: JobCatalog,
  reasons: string[],
): boolean | undefined {
  const recipe = catalog.get(request.target);
  if (!recipe) {
    reasons.push(
      `${where}.target "${request.target}" is unknown: expected one of ${[...catalog.keys()].join(', ')}`,
    );
    return undefined;
  }
  const rule = typeRule(recipe, request.type);
  if (!rule) {
    const examples = recipe.types.map((r) => r.example).join(', ');
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

/** The collection a job writes (or, for a visualizer, reads): named by the request, else by the naming rule. */
function collectionOf(request: JobRequest, symbol: string, start: string): string {
  const named =
    request.target === 'graph-builder'
      ? request.collection_output
      : request.target === 'gnn-trainer'
        ? request.model_output
        : request.target === 'visualizer'
          ? request.source
          : undefined;
  return named ?? collectionName(symbol, request.type, start);
}

export function invalidRequest(reasons: string[]): StreamForgeError {
  const error = new StreamForgeError(
    ErrorCodes.INVALID_REQUEST,
    reasons.length === 1 ? reasons[0]! : `${reasons.length} problems: ${reasons.join('; ')}`,
  );
  (error as StreamForgeError & { reasons: string[] }).reasons = reasons;
  return error;
}
