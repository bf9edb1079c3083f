import type { JobView } from '../types.ts';

const W = 190;
const H = 54;
const GAP_X = 60;
const GAP_Y = 18;

/** Column of each job: 0 for jobs that wait for nothing, else one more than the deepest dependency. */
export function layers(jobs: readonly JobView[]): Map<string, number> {
  const byId = new Map(jobs.map((j) => [j.telemetry_id, j]));
  const depth = new Map<string, number>();
  const visit = (job: JobView, seen: Set<string>): number => {
    const known = depth.get(job.telemetry_id);
    if (known !== undefined) return known;
    if (seen.has(job.telemetry_id)) return 0;
    seen.add(job.telemetry_id);
    let d = 0;
    for (const id of job.depends_on) {
      const dep = byId.get(id);
      if (dep) d = Math.max(d, visit(dep, seen) + 1);
    }
    depth.set(job.telemetry_id, d);
    return d;
  };
  for (const job of jobs) visit(job, new Set());
  return depth;
}

/** The queue's jobs as a left-to-right DAG (an SVG), each box coloured by the job's state. */
export function Dag({ jobs }: { jobs: readonly JobView[] }) {
  const depth = layers(jobs);
  const rows = new Map<number, number>();
  const at = new Map<string, { x: number; y: number }>();
  for (const job of jobs) {
    const column = depth.get(job.telemetry_id) ?? 0;
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    at.set(job.telemetry_id, { x: column * (W + GAP_X), y: row * (H + GAP_Y) });
  }
  const width = Math.max(...[...depth.values()].map((d) => (d + 1) * (W + GAP_X))) - GAP_X + 4;
  const height = Math.max(...[...rows.values()].map((n) => n * (H + GAP_Y))) - GAP_Y + 4;
  return (
    <svg
      class="dag"
      viewBox={`-2 -2 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-label={`Job graph: ${jobs.map((j) => `${j.target} ${j.type} ${j.status}`).join('; ')}`}
    >
      <defs>
        <marker
          id="arrow"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto"
        >
          <path d="M0,0 L10,5 L0,10 z" class="arrow" />
        </marker>
      </defs>
      {jobs.flatMap((job) =>
        job.depends_on.map((id) => {
          const from = at.get(id);
          const to = at.get(job.telemetry_id);
          if (!from || !to) return null;
          return (
            <line
              class="edge"
              x1={from.x + W}
              y1={from.y + H / 2}
              x2={to.x}
              y2={to.y + H / 2}
              marker-end="url(#arrow)"
            />
          );
        }),
      )}
      {jobs.map((job) => {
        const p = at.get(job.telemetry_id)!;
        return (
          <g
            transform={`translate(${p.x},${p.y})`}
            class={`node s-${job.status}`}
            data-job={job.telemetry_id}
          >
            <rect width={W} height={H} rx={6} />
            <text x={8} y={20}>
              {job.target}
            </text>
            <text x={8} y={38} class="small">
              {job.type} · {job.status}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
