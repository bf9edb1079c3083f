import { UndirectedGraph } from 'graphology';
import Sigma from 'sigma';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure, getJson } from '../api.ts';
import { formatCount } from '../format.ts';
import { href } from '../router.ts';
import type { GraphView, VisualizerMetrics } from '../types.ts';
import { LiveGraphMetrics } from './live-graph-metrics.tsx';

const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/** A graph collection drawn with sigma (WebGL): time left to right, close price up, colour = community. */
export function GraphPage({ name, queue }: { name: string; queue?: string | undefined }) {
  const [graph, setGraph] = useState<GraphView | undefined>();
  // Bumped when the visualizer reports a graph of another size: the drawing is read again.
  const [version, setVersion] = useState(0);
  const drawnNodes = useRef<number | undefined>(undefined);
  const onMetrics = (m: VisualizerMetrics): void => {
    if (drawnNodes.current !== undefined && drawnNodes.current !== m.nodes) setVersion((v) => v + 1);
  };
  const [failure, setFailure] = useState<string | undefined>();
  const [rendered, setRendered] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const abort = new AbortController();
    getJson<GraphView>(`/graphs/${encodeURIComponent(name)}`, abort.signal)
      .then((view) => {
        drawnNodes.current = view.node_count;
        setGraph(view);
      })
      .catch((error: unknown) => {
        if (!abort.signal.aborted) setFailure(error instanceof ApiFailure ? error.message : String(error));
      });
    return () => abort.abort();
  }, [name, version]);
  useEffect(() => {
    if (!graph || !box.current) return;
    const g = new UndirectedGraph();
    const closes = graph.nodes.map((n) => n.close);
    const lo = Math.min(...closes);
    const span = Math.max(...closes) - lo || 1;
    const n = graph.nodes.length;
    graph.nodes.forEach((node, i) =>
      g.addNode(String(i), {
        // Coordinates about the size of the box in pixels: sigma 4 sizes nodes and edges in the
        // coordinates' units here (measured in chromium), so this keeps a size of 3 about 3 px.
        x: n > 1 ? (i / (n - 1)) * 1000 : 0,
        y: ((node.close - lo) / span) * 450,
        size: 3,
        color: PALETTE[node.community % PALETTE.length],
        label: `${new Date(node.t).toISOString().slice(0, 16)} · ${node.close} · community ${node.community}`,
      }),
    );
    for (const [s, t, , kind] of graph.edges) {
      if (!g.hasEdge(String(s), String(t)))
        g.addEdge(String(s), String(t), { color: kind === 0 ? '#888888' : '#bbbbbb', size: 0.6 });
    }
    const renderer = new Sigma(g, box.current, { settings: { renderLabels: false } });
    // The first frame may be drawn inside the constructor, before any listener: check on the next frame too.
    renderer.once('afterRender', () => setRendered(true));
    const frame = requestAnimationFrame(() => setRendered(true));
    return () => {
      cancelAnimationFrame(frame);
      renderer.kill();
    };
  }, [graph]);

  return (
    <section aria-labelledby="graph-title">
      <p>
        <a href={href.data}>← Data</a>
      </p>
      <h1 id="graph-title">Graph {name}</h1>
      {failure && <p role="alert">{failure}</p>}
      {!graph && !failure && <p aria-busy="true">Loading…</p>}
      {graph && (
        <dl class="facts">
          <dt>Nodes</dt>
          <dd data-testid="nodes">
            {formatCount(graph.node_count)}
            {graph.truncated && ` (the last ${formatCount(graph.nodes.length)} drawn)`}
          </dd>
          <dt>Edges</dt>
          <dd>{formatCount(graph.edge_count)}</dd>
          <dt>Communities</dt>
          <dd data-testid="communities">{graph.communities}</dd>
          <dt>Modularity</dt>
          <dd>{graph.modularity.toFixed(3)}</dd>
        </dl>
      )}
      <div
        ref={box}
        class="graph"
        data-rendered={rendered ? 'yes' : 'no'}
        role="img"
        aria-label={
          graph
            ? `Graph of ${graph.nodes.length} windows coloured by ${graph.communities} communities`
            : 'Graph'
        }
      />
      {graph && (
        <ul class="legend" aria-label="Communities">
          {[...new Set(graph.nodes.map((n) => n.community))]
            .sort((a, b) => a - b)
            .slice(0, 20)
            .map((c) => (
              <li>
                <span class="swatch" style={{ background: PALETTE[c % PALETTE.length] }} /> community {c}
              </li>
            ))}
        </ul>
      )}
      {queue !== undefined && <LiveGraphMetrics name={name} queue={queue} onChange={onMetrics} />}
    </section>
  );
}
