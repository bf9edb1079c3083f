import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Six characters of [a-z0-9], the random part of every generated name. */
export function shortId(random: (max: number) => number = randomInt): string {
  let id = '';
  for (let i = 0; i < 6; i += 1) id += ALPHABET[random(ALPHABET.length)];
  return id;
}

function compactDay(day: string): string {
  return day.replaceAll('-', '');
}

/** `wf-{symbol}-{type of the first request}-{YYYYMMDD of the range start}-{6 × [a-z0-9]}`. */
export function queueId(symbol: string, firstType: string, rangeStart: string, id = shortId()): string {
  return `wf-${symbol.toLowerCase()}-${firstType}-${compactDay(rangeStart)}-${id}`;
}

/** `{target}__{6 × [a-z0-9]}`: one per job, stable across restarts of that job. */
export function telemetryId(target: string, id = shortId()): string {
  return `${target}__${id}`;
}

/** The target part of a telemetry id (`loader-producer__k3v9qa` → `loader-producer`). */
export function targetOfTelemetryId(id: string): string | undefined {
  const at = id.lastIndexOf('__');
  return at > 0 ? id.slice(0, at) : undefined;
}

/** One data topic per queue and data type. Kafka allows [a-zA-Z0-9._-], at most 249 characters. */
export function dataTopic(queue: string, type: string): string {
  return `${queue}.${type}`.replaceAll(/[^a-zA-Z0-9._-]/g, '_').slice(0, 249);
}

/** `{symbol}_{type}_{YYYY_MM_DD}` lowercased: a dataset name that outlives its queue. */
export function collectionName(symbol: string, type: string, rangeStart: string): string {
  return `${symbol}_${type}_${rangeStart.replaceAll('-', '_')}`.toLowerCase();
}

const DNS_LABEL_MAX = 63;

/** DNS-1123 label: lowercase alphanumerics and '-', starting and ending alphanumeric. */
function dnsSafe(text: string): string {
  return text
    .toLowerCase()
    .replaceAll(/[^a-z0-9-]+/g, '-')
    .replaceAll(/-+/g, '-')
    .replaceAll(/^-|-$/g, '');
}

/**
 * `job-{target}-{symbol}-{short id}` as a valid DNS-1123 label of at most 63 characters: the target
 * and symbol are shortened, never the id, so two jobs never collide.
 */
export function kubernetesJobName(target: string, symbol: string, id: string): string {
  const suffix = `-${dnsSafe(id)}`;
  const room = DNS_LABEL_MAX - 'job-'.length - suffix.length;
  const middle = `${dnsSafe(target)}-${dnsSafe(symbol)}`.slice(0, room).replace(/-+$/, '');
  return `job-${middle}${suffix}`;
}
