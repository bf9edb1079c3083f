import { useState } from 'preact/hooks';
import { href, navigate } from '../router.ts';

const NAME = '^[a-z0-9_][a-z0-9_\\-]{0,57}$';

/** Opens a collection's candle chart or a graph collection by name. */
export function DataPage() {
  const [collection, setCollection] = useState('');
  const [graph, setGraph] = useState('');
  return (
    <section aria-labelledby="data-title">
      <h1 id="data-title">Data</h1>
      <p>
        Collections are the datasets the connectors and the graph-builder write. A queue's page links to each
        of its outputs.
      </p>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (collection) navigate(href.collection(collection.trim()));
        }}
      >
        <label for="collection-name">Candle collection</label>
        <input
          id="collection-name"
          pattern={NAME}
          placeholder="btcusdt_synthetic_candles_5m_2024_06_01"
          value={collection}
          onInput={(e) => setCollection(e.currentTarget.value)}
          required
        />
        <button type="submit">Open chart</button>
      </form>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (graph) navigate(href.graph(graph.trim()));
        }}
      >
        <label for="graph-name">Graph collection</label>
        <input
          id="graph-name"
          pattern={NAME}
          placeholder="btc_graph_2024_06"
          value={graph}
          onInput={(e) => setGraph(e.currentTarget.value)}
          required
        />
        <button type="submit">Open graph</button>
      </form>
    </section>
  );
}
