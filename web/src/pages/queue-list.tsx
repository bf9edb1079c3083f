import { useEffect, useMemo, useState } from 'preact/hooks';
import { StatusBadge } from '../components/status-badge.tsx';
import { formatAge, formatCount } from '../format.ts';
import { useEventSource } from '../live.ts';
import { href } from '../router.ts';
import { QUEUE_STATUSES, type LivePage, type LiveQueue, type QueueStatus } from '../types.ts';

const PAGE_SIZES = [50, 100, 200] as const;

/** Re-renders every second so ages move; the data itself only changes when the server says so. */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** The queue list: one page from GET /streams/queues, kept current by its `queue` events. */
export function QueueList() {
  const [status, setStatus] = useState<QueueStatus | ''>('');
  const [symbol, setSymbol] = useState('');
  const [limit, setLimit] = useState<number>(50);
  // Cursors of the pages before this one: Previous pops one.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const [page, setPage] = useState<LivePage | undefined>();
  const [connected, setConnected] = useState(false);
  const now = useNow();

  const url = useMemo(() => {
    const query = new URLSearchParams({ limit: String(limit) });
    if (status) query.set('status', status);
    if (/^[A-Za-z0-9]{1,40}$/.test(symbol)) query.set('symbol', symbol);
    if (cursor) query.set('cursor', cursor);
    return `/streams/queues?${query}`;
  }, [status, symbol, limit, cursor]);

  useEffect(() => setPage(undefined), [url]);
  useEventSource(url, {
    page: (data) => {
      setConnected(true);
      setPage(data as LivePage);
    },
    queue: (data) => {
      const queue = data as LiveQueue;
      setPage((current) => current && apply(current, queue, { status, symbol, firstPage: !cursor, limit }));
    },
  });

  const resetTo = (update: () => void): void => {
    setCursors([]);
    update();
  };

  return (
    <section aria-labelledby="queues-title">
      <div class="title-row">
        <h1 id="queues-title">Queues</h1>
        <span class={`live ${connected ? 'on' : ''}`} role="status">
          {connected ? 'live' : 'connecting…'}
        </span>
      </div>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter queues">
        <label>
          Status
          <select
            value={status}
            onChange={(e) => resetTo(() => setStatus(e.currentTarget.value as QueueStatus | ''))}
          >
            <option value="">any</option>
            {QUEUE_STATUSES.map((s) => (
              <option value={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Symbol
          <input
            value={symbol}
            placeholder="BTCUSDT"
            pattern="[A-Za-z0-9]{1,40}"
            onInput={(e) => resetTo(() => setSymbol(e.currentTarget.value.trim()))}
          />
        </label>
        <label>
          Per page
          <select value={limit} onChange={(e) => resetTo(() => setLimit(Number(e.currentTarget.value)))}>
            {PAGE_SIZES.map((n) => (
              <option value={n}>{n}</option>
            ))}
          </select>
        </label>
      </form>
      {!page ? (
        <p aria-busy="true">Loading queues…</p>
      ) : page.items.length === 0 ? (
        <p>
          No queues{status || symbol ? ' match these filters' : ' yet'}. <a href={href.start}>Start one</a>.
        </p>
      ) : (
        <QueueTable items={page.items} now={now} />
      )}
      {page && (
        <nav class="pager" aria-label="Pages">
          <span>
            {formatCount(page.total)} queue{page.total === 1 ? '' : 's'}
          </span>
          <button
            type="button"
            disabled={cursors.length === 0}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            Previous
          </button>
          <button
            type="button"
            disabled={page.next_cursor === null}
            onClick={() => page.next_cursor && setCursors((c) => [...c, page.next_cursor!])}
          >
            Next
          </button>
        </nav>
      )}
    </section>
  );
}

function QueueTable({ items, now }: { items: LiveQueue[]; now: number }) {
  return (
    <table class="queues">
      <thead>
        <tr>
          <th scope="col">Queue</th>
          <th scope="col">Symbol</th>
          <th scope="col">Status</th>
          <th scope="col">Progress</th>
          <th scope="col">Records</th>
          <th scope="col">Jobs done</th>
          <th scope="col">Age</th>
        </tr>
      </thead>
      <tbody>
        {items.map((q) => (
          <tr key={q.queue_id} data-queue={q.queue_id} data-status={q.status}>
            <td>
              <a href={href.queue(q.queue_id)}>{q.queue_id}</a>
            </td>
            <td>{q.symbol}</td>
            <td>
              <StatusBadge status={q.status} />
            </td>
            <td>
              <progress max={1} value={q.progress} aria-label={`progress of ${q.queue_id}`}>
                {Math.round(q.progress * 100)}%
              </progress>
            </td>
            <td class="num">
              {formatCount(q.records_written)}
              {q.records_total !== null && ` / ${formatCount(q.records_total)}`}
            </td>
            <td class="num">
              {q.jobs_by_status.finished ?? 0} / {q.jobs_total}
            </td>
            <td class="num" title={q.created_at}>
              {formatAge(q.created_at, now)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface ListScope {
  status: QueueStatus | '';
  symbol: string;
  firstPage: boolean;
  limit: number;
}

/** A changed queue applied to the page shown: replaced in place, or a new one added on top. */
export function apply(page: LivePage, queue: LiveQueue, scope: ListScope): LivePage {
  const at = page.items.findIndex((q) => q.queue_id === queue.queue_id);
  const matches =
    (!scope.status || queue.status === scope.status) &&
    (!scope.symbol || queue.symbol === scope.symbol.toUpperCase());
  if (at >= 0) {
    const items = [...page.items];
    if (matches) items[at] = queue;
    else items.splice(at, 1);
    return { ...page, items, total: matches ? page.total : page.total - 1 };
  }
  const newest = page.items[0];
  const isNew = !newest || queue.created_at > newest.created_at;
  if (!matches || !scope.firstPage || !isNew) return page;
  return { ...page, items: [queue, ...page.items].slice(0, scope.limit), total: page.total + 1 };
}
