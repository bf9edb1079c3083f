import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { EventView, JobView } from '../types.ts';

/**
 * Records per second of each job over time, from its telemetry: the rate between two consecutive
 * events that carry records_written. Loader and connector side by side show whether the sink keeps up.
 */
export function throughputSeries(jobs: readonly JobView[], events: readonly EventView[]) {
  const perJob = new Map<string, { t: number; r: number }[]>();
  for (const e of events) {
    // `started` is where a job's count begins: a job that reports once more still gets a rate.
    const records = e.event === 'started' ? (e.records_written ?? 0) : e.records_written;
    if (records === null) continue;
    const key = `${e.telemetry_id}#${e.attempt}`;
    let list = perJob.get(key);
    if (!list) perJob.set(key, (list = []));
    list.push({ t: e.sent_at, r: records });
  }
  const times = new Set<number>();
  const rates = new Map<string, Map<number, number>>();
  for (const [key, points] of perJob) {
    const byTime = new Map<number, number>();
    for (let i = 1; i < points.length; i += 1) {
      const dt = points[i]!.t - points[i - 1]!.t;
      if (dt <= 0) continue;
      const t = Math.round(points[i]!.t * 10) / 10;
      byTime.set(t, Math.max(0, (points[i]!.r - points[i - 1]!.r) / dt));
      times.add(t);
    }
    if (byTime.size > 0) rates.set(key, byTime);
  }
  const xs = [...times].sort((a, b) => a - b);
  const names = [...rates.keys()];
  const label = (key: string): string => {
    const [id, attempt] = key.split('#');
    const job = jobs.find((j) => j.telemetry_id === id);
    return `${job ? `${job.target} ${job.type}` : id}${attempt && attempt !== '1' ? ` (attempt ${attempt})` : ''}`;
  };
  return {
    labels: names.map(label),
    data: [xs, ...names.map((n) => xs.map((x) => rates.get(n)!.get(x) ?? null))] as uPlot.AlignedData,
  };
}

const COLORS = ['#2f80ed', '#eb5757', '#27ae60', '#f2994a', '#9b51e0', '#56ccf2'];

export function ThroughputChart({
  jobs,
  events,
}: {
  jobs: readonly JobView[];
  events: readonly EventView[];
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const series = throughputSeries(jobs, events);
  const shape = series.labels.join('|');
  useEffect(() => {
    if (!box.current || series.labels.length === 0) return;
    const dark = matchMedia('(prefers-color-scheme: dark)').matches;
    const axis = { stroke: dark ? '#ccc' : '#333', grid: { stroke: dark ? '#333' : '#e5e5e5' } };
    plot.current = new uPlot(
      {
        width: Math.min(900, box.current.clientWidth || 900),
        height: 220,
        series: [
          {},
          ...series.labels.map((label, i) => ({
            label,
            stroke: COLORS[i % COLORS.length],
            width: 2,
            spanGaps: true,
            value: (_u: uPlot, v: number | null) => (v === null ? '–' : `${Math.round(v)}/s`),
          })),
        ],
        axes: [{ ...axis }, { ...axis, label: 'records/s', size: 70 }],
      },
      series.data,
      box.current,
    );
    return () => plot.current?.destroy();
    // A new job series means a new chart; new points only update the data.
  }, [shape]);
  useEffect(() => plot.current?.setData(series.data), [series.data]);
  if (series.labels.length === 0) return <p>No throughput yet: it shows once a job reports records twice.</p>;
  return <div ref={box} class="chart" role="img" aria-label={`Throughput of ${series.labels.join(', ')}`} />;
}
