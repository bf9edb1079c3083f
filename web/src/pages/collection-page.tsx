import {
  CandlestickSeries,
  HistogramSeries,
  createChart,
  type IChartApi,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure, getJson } from '../api.ts';
import { formatCount, formatSeconds, formatTime } from '../format.ts';
import { href } from '../router.ts';
import type { CandleSeries, CollectionStats } from '../types.ts';

/** A candle collection: coverage, gaps and a chart of its candles (downsampled by the server). */
export function CollectionPage({ name }: { name: string }) {
  const [stats, setStats] = useState<CollectionStats | undefined>();
  const [series, setSeries] = useState<CandleSeries | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  useEffect(() => {
    const abort = new AbortController();
    const path = `/collections/${encodeURIComponent(name)}`;
    getJson<CollectionStats>(path, abort.signal)
      .then(async (s) => {
        setStats(s);
        if (s.kind === 'candle')
          setSeries(await getJson<CandleSeries>(`${path}/candles?max_points=1500`, abort.signal));
      })
      .catch((error: unknown) => {
        if (!abort.signal.aborted) setFailure(error instanceof ApiFailure ? error.message : String(error));
      });
    return () => abort.abort();
  }, [name]);

  return (
    <section aria-labelledby="collection-title">
      <p>
        <a href={href.data}>← Data</a>
      </p>
      <h1 id="collection-title">{name}</h1>
      {failure && <p role="alert">{failure}</p>}
      {!stats && !failure && <p aria-busy="true">Loading…</p>}
      {stats && <Coverage stats={stats} />}
      {stats?.kind === 'trade' && <p>A trade collection: only candle collections are charted.</p>}
      {series && <CandleChart series={series} />}
      {stats && stats.gaps.length > 0 && <Gaps stats={stats} />}
    </section>
  );
}

function Coverage({ stats }: { stats: CollectionStats }) {
  return (
    <dl class="facts">
      <dt>Kind</dt>
      <dd>{stats.kind}</dd>
      <dt>Rows</dt>
      <dd data-testid="rows">{formatCount(stats.rows)}</dd>
      <dt>Covers</dt>
      <dd>
        {stats.firstTime !== undefined && stats.lastTime !== undefined
          ? `${formatTime(stats.firstTime)} – ${formatTime(stats.lastTime)} UTC`
          : 'nothing yet'}
      </dd>
      <dt>Gaps</dt>
      <dd data-testid="gaps">
        {!stats.gapsKnown
          ? 'unknown'
          : stats.missing === 0
            ? 'none'
            : `${formatCount(stats.missing)} missing in ${stats.gaps.length}${stats.gaps.length === 20 ? '+' : ''} holes`}
      </dd>
    </dl>
  );
}

function Gaps({ stats }: { stats: CollectionStats }) {
  return (
    <>
      <h2>Gaps</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Symbol</th>
            <th scope="col">After</th>
            <th scope="col">Before</th>
            <th scope="col">Missing</th>
          </tr>
        </thead>
        <tbody>
          {stats.gaps.map((g) => (
            <tr>
              <td>{g.symbol}</td>
              <td>{stats.kind === 'candle' ? formatTime(g.after) : g.after}</td>
              <td>{stats.kind === 'candle' ? formatTime(g.before) : g.before}</td>
              <td class="num">{formatCount(g.missing)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function CandleChart({ series }: { series: CandleSeries }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return;
    const dark = matchMedia('(prefers-color-scheme: dark)').matches;
    const chart: IChartApi = createChart(box.current, {
      height: 420,
      autoSize: true,
      layout: { background: { color: 'transparent' }, textColor: dark ? '#ddd' : '#222' },
      grid: {
        vertLines: { color: dark ? '#2a2a2a' : '#eee' },
        horzLines: { color: dark ? '#2a2a2a' : '#eee' },
      },
      timeScale: { timeVisible: true },
    });
    const candles = chart.addSeries(CandlestickSeries, {});
    candles.setData(
      series.bars.map((b) => ({
        time: (b.t / 1000) as UTCTimestamp,
        open: b.o,
        high: b.h,
        low: b.l,
        close: b.c,
      })),
    );
    const volume = chart.addSeries(HistogramSeries, {
      priceScaleId: 'volume',
      priceFormat: { type: 'volume' },
    });
    chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    volume.setData(
      series.bars.map((b) => ({ time: (b.t / 1000) as UTCTimestamp, value: b.v, color: '#8884' })),
    );
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [series]);
  return (
    <>
      <h2>Candles</h2>
      <p class="meta">
        {series.symbol} {series.interval} · {formatCount(series.candles)} candles
        {series.downsampled &&
          ` shown as ${formatCount(series.bars.length)} bars of ${formatSeconds(series.bucketMs / 1000)}`}
      </p>
      <div
        ref={box}
        class="candles"
        data-bars={series.bars.length}
        role="img"
        aria-label={`Candle chart of ${series.name}: ${series.bars.length} bars`}
      />
    </>
  );
}
