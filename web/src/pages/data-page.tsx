import { useState } from 'preact/hooks';
import { href, navigate } from '../router.ts';

const NAME = '^[a-z0-9_][a-z0-9_\\-]{0,57}$';

/** Opens a collection's candle chart or a graph collection by name. */
export function DataPage() {
  return (
    <section aria-labelledby="data-title">
      <h1 id="data-title">Data</h1>
      <p>
        Collections are the datasets the connectors and the graph-builder write. A queue's page links to each
        of its outputs.
      </p>
      <OpenByName
        id="collection-name"
        label="Candle collection"
        placeholder="btcusdt_synthetic_candles_5m_2024_06_01"
        button="Open chart"
        open={(name) => navigate(href.collection(name))}
      />
      <OpenByName
        id="graph-name"
        label="Graph collection"
        placeholder="btc_graph_2024_06"
        button="Open graph"
        open={(name) => navigate(href.graph(name))}
      />
    </section>
  );
}

/** One labelled name field and its submit button. */
function OpenByName(props: {
  id: string;
  label: string;
  placeholder: string;
  button: string;
  open: (name: string) => void;
}) {
  const [name, setName] = useState('');
  return (
    <form
      class="inline"
      onSubmit={(e) => {
        e.preventDefault();
        if (name) props.open(name.trim());
      }}
    >
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        pattern={NAME}
        placeholder={props.placeholder}
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
        required
      />
      <button type="submit">{props.button}</button>
    </form>
  );
}
