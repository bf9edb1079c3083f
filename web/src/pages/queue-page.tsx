import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure, getJson, postJson } from '../api.ts';
import { Dag } from '../components/dag.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { ThroughputChart } from '../components/throughput-chart.tsx';
import { formatCount, formatSeconds } from '../format.ts';
import { useEventSource } from '../live.ts';
import { href } from '../router.ts';
import type { EventView, JobView, QueueView } from '../types.ts';

const TERMINAL = new Set(['finished', 'failed', 'stopped']);
const RETRYABLE = new Set(['failed', 'lost', 'stopped', 'terminated']);
const ACTIVE_JOB = new Set(['launching', 'running', 'stopping']);
/** Events kept in the timeline; older ones stay in the API (GET /queues/{id}/events). */
const TIMELINE_LIMIT = 500;

/** One queue: its job DAG and table, the buttons, throughput and the telemetry timeline, all live. */
export function QueuePage({ id }: { id: string }) {
  const [queue, setQueue] = useState<QueueView | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const [events, setEvents] = useState<EventView[]>([]);
  const [message, setMessage] = useState<string | undefined>();
  // Bumped to reopen the stream after a retry reopened the queue (the server ends it at the end).
  const [streamEpoch, setStreamEpoch] = useState(0);
  const [streaming, setStreaming] = useState(true);
  // The history is replayed from here when the stream opens (0: all of it).
  const [streamFrom, setStreamFrom] = useState(0);
  const lastEventId = useRef(0);
  const refetchTimer = useRef<number | undefined>(undefined);

  const load = useCallback(async () => {
    try {
      setQueue(await getJson<QueueView>(`/queues/${encodeURIComponent(id)}`));
      setFailure(undefined);
    } catch (error) {
      setFailure(error instanceof ApiFailure ? error.message : String(error));
    }
  }, [id]);

  // A burst of telemetry costs one read of the queue, not one per event.
  const reload = useCallback(() => {
    if (refetchTimer.current !== undefined) return;
    refetchTimer.current = window.setTimeout(() => {
      refetchTimer.current = undefined;
      void load();
    }, 150);
  }, [load]);

  useEffect(() => {
    void load();
    return () => clearTimeout(refetchTimer.current);
  }, [load]);

  const streamUrl = streaming
    ? `/queues/${encodeURIComponent(id)}/events?stream=true&after=${streamFrom}`
    : null;
  useEventSource(
    streamUrl,
    {
      telemetry: (data) => {
        const event = data as EventView;
        if (event.id <= lastEventId.current) return;
        lastEventId.current = event.id;
        setEvents((list) => [...list, event].slice(-TIMELINE_LIMIT));
        reload();
      },
      status: (data, close) => {
        reload();
        // The server ends the stream of an ended queue; closing here keeps the browser from reconnecting.
        if (TERMINAL.has((data as { status: string }).status)) {
          close();
          setStreaming(false);
        }
      },
      error: (data, close) => {
        if (data && typeof data === 'object' && 'message' in data) {
          setFailure(String(data.message));
          close();
        }
      },
    },
    streamEpoch,
  );

  const act = async (label: string, path: string): Promise<void> => {
    setMessage(`${label}…`);
    try {
      const result = await postJson<{ status: string }>(path);
      setMessage(`${label}: the queue is ${result.status}`);
      await load();
      if (!TERMINAL.has(result.status)) {
        setStreamFrom(lastEventId.current);
        setStreaming(true);
        setStreamEpoch((n) => n + 1);
      }
    } catch (error) {
      setMessage(`${label} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  if (failure && !queue) {
    return (
      <section>
        <h1>Queue {id}</h1>
        <p role="alert">{failure}</p>
        <a href={href.queues}>Back to the queues</a>
      </section>
    );
  }
  if (!queue) return <p aria-busy="true">Loading {id}…</p>;
  const base = `/queues/${encodeURIComponent(id)}`;
  const over = TERMINAL.has(queue.status);
  return (
    <section aria-labelledby="queue-title">
      <p>
        <a href={href.queues}>← Queues</a>
      </p>
      <div class="title-row">
        <h1 id="queue-title">{queue.queue_id}</h1>
        <StatusBadge status={queue.status} />
      </div>
      <p class="meta">
        {queue.symbol} · {queue.time_range} · {formatCount(queue.records_written)} records ·{' '}
        {streaming && !over ? 'live' : 'ended'}
      </p>
      <div class="actions" role="group" aria-label="Queue actions">
        <button type="button" disabled={over} onClick={() => void act('Stop', `${base}/stop`)}>
          Stop
        </button>
        <button
          type="button"
          class="danger"
          disabled={over}
          onClick={() =>
            confirm(`Terminate ${id} now? Running jobs are killed.`) &&
            void act('Terminate', `${base}/terminate`)
          }
        >
          Terminate
        </button>
      </div>
      {message && (
        <p role="status" class="message">
          {message}
        </p>
      )}
      <h2>Jobs</h2>
      <div class="scroll-x">
        <Dag jobs={queue.jobs} />
      </div>
      <JobTable
        jobs={queue.jobs}
        onRetry={(job) => void act(`Retry ${job.target}`, `${base}/jobs/${job.telemetry_id}/retry`)}
      />
      <h2>Throughput</h2>
      <ThroughputChart jobs={queue.jobs} events={events} />
      <h2>Events</h2>
      <Timeline events={events} jobs={queue.jobs} />
    </section>
  );
}

function JobTable({ jobs, onRetry }: { jobs: JobView[]; onRetry: (job: JobView) => void }) {
  return (
    <div class="scroll-x">
      <table class="jobs">
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">State</th>
            <th scope="col">Attempt</th>
            <th scope="col">Records</th>
            <th scope="col">Last telemetry</th>
            <th scope="col">Error</th>
            <th scope="col">Data</th>
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.telemetry_id} data-job={job.telemetry_id} data-status={job.status}>
              <th scope="row">
                {job.target}
                <div class="small">
                  {job.type} · {job.telemetry_id}
                </div>
              </th>
              <td>
                <StatusBadge status={job.status} />
                {job.duration_seconds !== null && (
                  <div class="small">{formatSeconds(job.duration_seconds)}</div>
                )}
              </td>
              <td class="num">{job.attempt}</td>
              <td class="num">
                {formatCount(job.records_written)}
                {job.records_total !== null && ` / ${formatCount(job.records_total)}`}
                {job.progress !== null && (
                  <progress max={1} value={job.progress} aria-label={`progress of ${job.telemetry_id}`} />
                )}
              </td>
              <td class="small">{lastTelemetry(job)}</td>
              <td class="small error-text">
                {job.error ? `${job.error.code ?? ''} ${job.error.message}` : ''}
              </td>
              <td class="small">
                <DataLink job={job} />
              </td>
              <td>
                {RETRYABLE.has(job.status) && (
                  <button
                    type="button"
                    onClick={() => onRetry(job)}
                    aria-label={`Retry ${job.target} ${job.type}`}
                  >
                    Retry
                  </button>
                )}
                {ACTIVE_JOB.has(job.status) && <span class="small">running</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function lastTelemetry(job: JobView): string {
  const e = job.last_event;
  if (!e) return '—';
  const parts = [typeof e.event === 'string' ? e.event : '?'];
  if (typeof e.message === 'string' && e.message) parts.push(e.message);
  if (typeof e.sent_at === 'number') parts.push(new Date(e.sent_at * 1000).toLocaleTimeString());
  return parts.join(' · ');
}

/** Where the job's output can be looked at: a candle chart or the graph page. */
function DataLink({ job }: { job: JobView }) {
  if (job.target === 'arango-connector' && job.type.includes('candles'))
    return <a href={href.collection(job.collection)}>chart {job.collection}</a>;
  if (job.target === 'graph-builder') return <a href={href.graph(job.collection)}>graph {job.collection}</a>;
  // The visualizer names the graph it follows in its metrics (`graph_metrics.source`).
  const metrics = job.last_event?.graph_metrics as { source?: unknown; queue_id?: unknown } | undefined;
  if (
    job.target === 'visualizer' &&
    typeof metrics?.source === 'string' &&
    typeof metrics.queue_id === 'string'
  )
    return <a href={href.graph(metrics.source, metrics.queue_id)}>live metrics of {metrics.source}</a>;
  return <>{job.collection}</>;
}

function Timeline({ events, jobs }: { events: EventView[]; jobs: JobView[] }) {
  const targetOf = new Map(jobs.map((j) => [j.telemetry_id, j.target]));
  if (events.length === 0) return <p>No telemetry yet.</p>;
  return (
    <ol class="timeline" aria-live="polite" aria-relevant="additions">
      {[...events]
        .reverse()
        .slice(0, 200)
        .map((e) => (
          <li key={e.id} class={`s-${e.event}`}>
            <time dateTime={new Date(e.sent_at * 1000).toISOString()}>
              {new Date(e.sent_at * 1000).toLocaleTimeString()}
            </time>{' '}
            <strong>{e.event}</strong> {targetOf.get(e.telemetry_id) ?? e.telemetry_id}
            {e.attempt > 1 && ` (attempt ${e.attempt})`}
            {e.records_written !== null && ` · ${formatCount(e.records_written)} records`}
            {e.error_message && <span class="error-text"> · {e.error_message}</span>}
            {!e.error_message && e.message && ` · ${e.message}`}
          </li>
        ))}
    </ol>
  );
}
