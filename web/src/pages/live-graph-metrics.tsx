import { useState } from 'preact/hooks';
import { formatCount } from '../format.ts';
import { useEventSource } from '../live.ts';
import type { EventView, VisualizerMetrics } from '../types.ts';

const time = (ms: number | null): string => (ms === null ? '—' : new Date(ms).toISOString().slice(0, 16));

/**
 * The metrics a queue's visualizer streams for graph `name`: read from the queue's event stream (the
 * visualizer's `loading` events carry them as `graph_metrics`), so they change live as the graph grows.
 */
export function LiveGraphMetrics({
  name,
  queue,
  onChange,
}: {
  name: string;
  queue: string;
  onChange?: (metrics: VisualizerMetrics) => void;
}) {
  const [metrics, setMetrics] = useState<VisualizerMetrics | undefined>();
  const [ended, setEnded] = useState(false);
  useEventSource(`/queues/${encodeURIComponent(queue)}/events?stream=true&after=0`, {
    telemetry: (data) => {
      const m = (data as EventView).payload.graph_metrics as VisualizerMetrics | undefined;
      if (m?.kind !== 'graph_metrics_stream' || m.source !== name) return;
      setMetrics(m);
      onChange?.(m);
    },
    status: (data, close) => {
      if (['finished', 'failed', 'stopped'].includes((data as { status: string }).status)) {
        close();
        setEnded(true);
      }
    },
  });
  return (
    <section aria-labelledby="live-title" data-testid="live-metrics">
      <h2 id="live-title">
        Live metrics {ended ? '(the queue has ended)' : metrics ? '' : '(waiting for the visualizer…)'}
      </h2>
      {metrics && (
        <>
          <dl class="facts">
            <dt>Nodes</dt>
            <dd data-testid="live-nodes">{formatCount(metrics.nodes)}</dd>
            <dt>Edges</dt>
            <dd>{formatCount(metrics.edges)}</dd>
            <dt>Density</dt>
            <dd>{metrics.density.toPrecision(3)}</dd>
            <dt>Components</dt>
            <dd>
              {metrics.components.count} (largest {formatCount(metrics.components.largest)})
            </dd>
            <dt>Communities</dt>
            <dd data-testid="live-communities">
              {metrics.communities.count} (modularity {metrics.communities.modularity.toFixed(3)})
            </dd>
            <dt>Windows</dt>
            <dd>
              {time(metrics.first_open_time)} – {time(metrics.last_open_time)}
            </dd>
            <dt>Updated</dt>
            <dd>{new Date(metrics.sent_at * 1000).toLocaleTimeString()}</dd>
          </dl>
          <table>
            <caption>Top PageRank windows</caption>
            <thead>
              <tr>
                <th scope="col">Window</th>
                <th scope="col">PageRank</th>
              </tr>
            </thead>
            <tbody>
              {metrics.pagerank_top.map((p) => (
                <tr key={p.node}>
                  <td>{time(p.open_time)}</td>
                  <td>{p.score.toExponential(3)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table>
            <caption>Newest windows</caption>
            <thead>
              <tr>
                <th scope="col">Window</th>
                <th scope="col">Close</th>
                <th scope="col">Degree</th>
                <th scope="col">PageRank</th>
                <th scope="col">Community</th>
              </tr>
            </thead>
            <tbody>
              {[...metrics.newest].reverse().map((w) => (
                <tr key={w.node}>
                  <td>{time(w.open_time)}</td>
                  <td>{w.close}</td>
                  <td>{w.degree}</td>
                  <td>{w.pagerank.toExponential(3)}</td>
                  <td>{w.community}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
