import type { GeoPoint, StartTask, TaskType } from '../../../protocol/geobot/requests.ts';

/** The mean Earth radius (IUGG), in metres: the sphere both computations work on. */
export const EARTH_RADIUS_M = 6_371_008.8;

const RAD = Math.PI / 180;

/** Great-circle distance between two points (haversine), in metres. */
export function haversineM(a: GeoPoint, b: GeoPoint): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLon = (b.lon - a.lon) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The signed spherical excess of the triangle (pole, a, b) on the unit sphere: summed over a ring's
 * edges it is the area of the polygon with great-circle edges (Chamberlain & Duquette, "Some
 * algorithms for polygons on a sphere", 2007, eq. for tan(E/2)). Exact, unlike the trapezoid rule in
 * (lon, sin lat), which is off by half for an octant of the sphere.
 */
function edgeExcess(a: GeoPoint, b: GeoPoint): number {
  let dLon = (b.lon - a.lon) * RAD;
  // An edge across the antimeridian goes the short way round.
  if (dLon > Math.PI) dLon -= 2 * Math.PI;
  if (dLon < -Math.PI) dLon += 2 * Math.PI;
  const ta = Math.tan((a.lat * RAD) / 2);
  const tb = Math.tan((b.lat * RAD) / 2);
  return 2 * Math.atan((Math.tan(dLon / 2) * (ta + tb)) / (1 + ta * tb));
}

export interface RouteLengthResult {
  distance_m: number;
  segments: number;
  bbox: { min_lat: number; min_lon: number; max_lat: number; max_lon: number };
}

export interface PolygonAreaResult {
  area_m2: number;
  perimeter_m: number;
  vertices: number;
}

export type TaskResult = RouteLengthResult | PolygonAreaResult;

export interface TaskProgress {
  type: TaskType;
  /** Edges measured so far and in all. */
  done: number;
  total: number;
}

export interface RunTaskOptions {
  /** Progress reports per task, at most (the last one is the 100 %); default 10. */
  steps?: number;
  /** Awaited after each step: the worker sends the progress envelope here. */
  onProgress?: (progress: TaskProgress) => Promise<void>;
  /** Aborting ends the task between steps with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Runs a geometry task edge by edge, reporting progress `steps` times. Between steps it yields to the
 * event loop, so a long task does not starve the consumer's polls, health probes or metrics.
 */
export async function runTask(task: StartTask, options: RunTaskOptions = {}): Promise<TaskResult> {
  const { steps = 10, onProgress, signal } = options;
  const points = task.points;
  const closed = task.type === 'polygon_area';
  const total = closed ? points.length : points.length - 1;
  const chunk = Math.max(1, Math.ceil(total / steps));
  let length = 0;
  let area = 0;
  for (let start = 0; start < total; start += chunk) {
    signal?.throwIfAborted();
    const end = Math.min(total, start + chunk);
    for (let i = start; i < end; i += 1) {
      const a = points[i]!;
      const b = points[(i + 1) % points.length]!;
      length += haversineM(a, b);
      if (closed) area += edgeExcess(a, b);
    }
    await onProgress?.({ type: task.type, done: end, total });
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (closed) {
    return {
      area_m2: round(Math.abs(area) * EARTH_RADIUS_M * EARTH_RADIUS_M),
      perimeter_m: round(length),
      vertices: points.length,
    };
  }
  return { distance_m: round(length), segments: total, bbox: bbox(points) };
}

function bbox(points: GeoPoint[]): RouteLengthResult['bbox'] {
  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  return {
    min_lat: Math.min(...lats),
    min_lon: Math.min(...lons),
    max_lat: Math.max(...lats),
    max_lon: Math.max(...lons),
  };
}

/** Millimetres are more than a sphere's model of the Earth can promise. */
function round(metres: number): number {
  return Math.round(metres * 1000) / 1000;
}
