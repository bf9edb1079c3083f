import { render } from 'preact';
import { lazy, Suspense } from 'preact/compat';
import { TokenDialog, TokenStatus } from './components/token-dialog.tsx';
import { QueueList } from './pages/queue-list.tsx';
import { href, useRoute, type Route } from './router.ts';
// uPlot's own sheet is here, not in the lazy chunk: esbuild does not load a split chunk's CSS.
import 'uplot/dist/uPlot.min.css';
import './styles.css';

// Pages with heavy libraries (lightweight-charts, uPlot, sigma) load on first visit, so the queue
// list paints without them.
const QueuePage = lazy(() => import('./pages/queue-page.tsx').then((m) => m.QueuePage));
const StartForm = lazy(() => import('./pages/start-form.tsx').then((m) => m.StartForm));
const DataPage = lazy(() => import('./pages/data-page.tsx').then((m) => m.DataPage));
const CollectionPage = lazy(() => import('./pages/collection-page.tsx').then((m) => m.CollectionPage));
const GraphPage = lazy(() => import('./pages/graph-page.tsx').then((m) => m.GraphPage));

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'queues':
      return <QueueList />;
    case 'start':
      return <StartForm />;
    case 'queue':
      return <QueuePage key={route.id} id={route.id} />;
    case 'data':
      return <DataPage />;
    case 'collection':
      return <CollectionPage key={route.name} name={route.name} />;
    case 'graph':
      return <GraphPage key={`${route.name}/${route.queue ?? ''}`} name={route.name} queue={route.queue} />;
  }
}

function App() {
  const route = useRoute();
  const current = (page: Route['page'][]) => (page.includes(route.page) ? 'page' : undefined);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <strong class="brand">StreamForge</strong>
        <nav aria-label="Main">
          <a href={href.queues} aria-current={current(['queues', 'queue'])}>
            Queues
          </a>
          <a href={href.start} aria-current={current(['start'])}>
            Start a queue
          </a>
          <a href={href.data} aria-current={current(['data', 'collection', 'graph'])}>
            Data
          </a>
          <a href="/docs">API</a>
        </nav>
        <TokenStatus />
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p aria-busy="true">Loading…</p>}>
          <Page route={route} />
        </Suspense>
      </main>
      <TokenDialog />
    </>
  );
}

const root = document.getElementById('app')!;
// Preact renders beside what is there: drop the "Loading…" placeholder first.
root.textContent = '';
render(<App />, root);
