// The routes the web dashboard reads, on PostgreSQL with the memory bus and inline jobs: the built
// assets with their cache headers and compression, the live queue list (SSE), candles of a collection
// downsampled in the database, and a graph collection with its communities.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { MemoryBus } from '../../../src/bus/index.ts';
import { InlineLauncher } from '../../../src/launcher/index.ts';
import type { CandleRecord } from '../../../src/protocol/index.ts';
import { createLogger } from '../../../src/runtime/index.ts';
import { PostgresSink } from '../../../src/services/connector/index.ts';
import { createJobCatalog } from '../../../src/services/job-catalogue.ts';
import {
  storeGraphReader,
  type LiveQueue,
  type QueueManager,
} from '../../../src/services/queue-manager/index.ts';
import type { PostgresClient } from '../../../src/store/index.ts';
import { buildWeb } from '../../../scripts/build-web.ts';
import { CANDLES_T0 as T0, testCandle } from '../../support/candles.ts';
import { writeFixtureGraph } from '../../support/graph-fixture.ts';
import { api, startManager, testConfig, testSchema } from './harness.ts';

const candle = (minute: number, close: number): CandleRecord =>
  testCandle(T0 + minute * 60_000, {
    open: String(close - 1),
    high: String(close + 2),
    low: String(close - 2),
    close: String(close),
  });

/** Reads SSE events from `url` until `done` says so (then aborts), or fails after the timeout. */
async function sseUntil(
  url: string,
  done: (events: { event: string; data: unknown }[]) => boolean,
  timeoutMs = 30_000,
): Promise<{ event: string; data: unknown }[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`no end of SSE within ${timeoutMs} ms`)), timeoutMs);
  const events: { event: string; data: unknown }[] = [];
  try {
    const res = await fetch(url, { signal: abort.signal });
    if (res.status !== 200) throw new Error(`SSE answered ${res.status}: ${await res.text()}`);
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    let buffer = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let at: number;
      while ((at = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event) events.push({ event, data: JSON.parse(data ?? 'null') as unknown });
      }
      if (done(events)) {
        abort.abort();
        return events;
      }
    }
    throw new Error(`the stream ended early: ${JSON.stringify(events)}`);
  } catch (error) {
    if (abort.signal.aborted && done(events)) return events;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

describe('dashboard routes', () => {
  const candles = 'btcusdt_api_candles_1m_2024_08_01';
  const graph = 'btc_graph_fixture';
  const webDir = mkdtempSync(join(tmpdir(), 'sf-web-'));
  let schema: Awaited<ReturnType<typeof testSchema>>;
  let sql: PostgresClient;
  let bus: MemoryBus;
  let manager: QueueManager;
  let http: ReturnType<typeof api>;

  before(async () => {
    await buildWeb(webDir);
    schema = await testSchema();
    sql = await schema.open();
    const sink = new PostgresSink(sql);
    await sink.ensureCollection({ name: candles, kind: 'candle', symbol: 'BTCUSDT', interval: '1m' });
    // 00:00–00:59 without 00:10–00:12: 57 candles, closes 100, 101, … by minute.
    await sink.upsert(
      candles,
      Array.from({ length: 60 }, (_, m) => m)
        .filter((m) => m < 10 || m > 12)
        .map((m) => candle(m, 100 + m)),
    );
    await sink.ensureCollection({ name: 'btcusdt_api_trades_2024_08_01', kind: 'trade', symbol: 'BTCUSDT' });
    await writeFixtureGraph(sql, graph);
    const config = testConfig();
    const catalog = createJobCatalog({ simulation: config.simulation });
    bus = new MemoryBus();
    const logger = createLogger({ service: 'job', level: 'silent' });
    const launcher = new InlineLauncher({ bus, catalog, logger });
    manager = await startManager({
      config,
      sql,
      bus,
      launcher,
      catalog,
      collections: sink,
      graphs: storeGraphReader(sql),
      webDir,
    });
    http = api(manager);
  });
  after(async () => {
    await manager.close();
    await bus.close();
    await sql.close();
    await schema.drop();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('serves index.html (no-cache) to browsers and the JSON index to API clients at /', async () => {
    const html = await fetch(`${http.base}/`, { headers: { accept: 'text/html', 'accept-encoding': 'br' } });
    assert.equal(html.status, 200);
    assert.equal(html.headers.get('cache-control'), 'no-cache');
    assert.equal(html.headers.get('content-type'), 'text/html; charset=utf-8');
    const page = await html.text();
    const script = /<script type="module" src="(\/assets\/main-[A-Z0-9]+\.js)">/.exec(page)?.[1];
    assert.ok(script, page);
    const etag = html.headers.get('etag')!;
    const again = await fetch(`${http.base}/`, { headers: { accept: 'text/html', 'if-none-match': etag } });
    assert.equal(again.status, 304);

    const json = await fetch(`${http.base}/`, { headers: { accept: 'application/json' } });
    assert.deepEqual(await json.json(), {
      service: 'streamforge queue manager',
      dashboard: '/',
      docs: '/docs',
      openapi: '/docs/json',
      queues: '/queues',
    });
  });

  it('serves hashed assets as immutable, brotli or gzip as accepted, and 404 for others', async () => {
    const page = await (await fetch(`${http.base}/`, { headers: { accept: 'text/html' } })).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page)![1]!;
    const plain = await fetch(http.base + script, { headers: { 'accept-encoding': 'identity' } });
    assert.equal(plain.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(plain.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(plain.headers.get('content-encoding'), null);
    const body = Buffer.from(await plain.arrayBuffer());
    // fetch would decompress for us: read the raw bytes with node:http semantics via a manual request.
    const raw = async (encoding: string) => {
      const { request } = await import('node:http');
      return new Promise<{ encoding: string | undefined; bytes: Buffer }>((resolve, reject) => {
        request(http.base + script, { headers: { 'accept-encoding': encoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ encoding: res.headers['content-encoding'], bytes: Buffer.concat(chunks) }),
          );
        })
          .on('error', reject)
          .end();
      });
    };
    const br = await raw('gzip, deflate, br');
    assert.equal(br.encoding, 'br');
    assert.deepEqual(brotliDecompressSync(br.bytes), body);
    assert.ok(br.bytes.length < body.length / 2, `${br.bytes.length} vs ${body.length}`);
    const gz = await raw('gzip');
    assert.equal(gz.encoding, 'gzip');
    assert.deepEqual(gunzipSync(gz.bytes), body);
    const refused = await raw('br;q=0, gzip;q=0');
    assert.equal(refused.encoding, undefined);

    const missing = await fetch(`${http.base}/assets/nothing-ABC.js`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { code: string }).code, 'SF_NOT_FOUND');
  });

  it('streams the queue list: a page, then every change of a queue until it finished', async () => {
    const stream = sseUntil(`${http.base}/streams/queues?limit=5`, (events) =>
      events.some((e) => e.event === 'queue' && (e.data as LiveQueue).status === 'finished'),
    );
    // The page comes first; start a queue once the stream is open so its changes are live ones.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = await http.post('/queues/start', {
      symbol: 'ETHUSDT',
      time_range: '2024-06-01:2024-06-01',
      requests: [{ target: 'gnn-trainer', type: 'gnn_train', graph_collection: 'g', model_output: 'm' }],
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const events = await stream;
    assert.equal(events[0]!.event, 'page');
    const page = events[0]!.data as { items: LiveQueue[]; total: number; next_cursor: string | null };
    assert.equal(typeof page.total, 'number');
    const mine = events
      .filter((e) => e.event === 'queue')
      .map((e) => e.data as LiveQueue)
      .filter((q) => q.queue_id === started.body.queue_id);
    assert.ok(mine.length >= 2, JSON.stringify(mine));
    const last = mine.at(-1)!;
    assert.equal(last.status, 'finished');
    assert.equal(last.progress, 1);
    assert.equal(last.jobs_total, 1);
    assert.deepEqual(last.jobs_by_status, { finished: 1 });
    assert.ok(
      mine.some((q) => q.status === 'running'),
      'a running state was streamed before finished',
    );

    // The next page of the list shows it with its progress, as GET /queues lists it.
    const again = await sseUntil(
      `${http.base}/streams/queues?status=finished&symbol=ethusdt`,
      (e) => e.length >= 1,
    );
    const listed = (again[0]!.data as { items: LiveQueue[] }).items;
    assert.equal(listed[0]!.queue_id, started.body.queue_id);
    assert.equal(listed[0]!.progress, 1);
  });

  it('rejects a bad list stream query before streaming (400 SF_INVALID_REQUEST)', async () => {
    const bad = await http.get('/streams/queues?status=exploded');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'SF_INVALID_REQUEST');
  });

  it('answers the candles of a collection, each one a bar when they fit in max_points', async () => {
    const { status, body } = await http.get(`/collections/${candles}/candles`);
    assert.equal(status, 200, JSON.stringify(body));
    const series = body as unknown as { bars: { t: number; o: number; c: number; n: number }[] } & Record<
      string,
      unknown
    >;
    assert.equal(series.symbol, 'BTCUSDT');
    assert.equal(series.interval, '1m');
    assert.equal(series.candles, 57);
    assert.equal(series.downsampled, false);
    assert.equal(series.bucketMs, 60_000);
    assert.equal(series.bars.length, 57);
    assert.deepEqual(series.bars[0], { t: T0, o: 99, h: 102, l: 98, c: 100, v: 10, n: 1 });
    // The gap shows as missing bars: 00:09 is followed by 00:13.
    assert.equal(series.bars[10]!.t, T0 + 13 * 60_000);
  });

  it('merges candles into wider bars in the database when there are more than max_points', async () => {
    const { body } = await http.get(
      `/collections/${candles}/candles?max_points=10&from=${T0}&to=${T0 + 59 * 60_000}`,
    );
    const series = body as unknown as {
      bars: { t: number; o: number; h: number; l: number; c: number; v: number; n: number }[];
    } & Record<string, unknown>;
    assert.equal(series.downsampled, true);
    // 57 candles into at most 10 bars: 6 candles (6 minutes) per bar.
    assert.equal(series.bucketMs, 6 * 60_000);
    assert.equal(series.bars.length, 10);
    // 00:06–00:11 holds 06…09 (10–12 are the gap): open of 06, close of 09, high and low of all four.
    assert.deepEqual(series.bars[1], { t: T0 + 6 * 60_000, o: 105, h: 111, l: 104, c: 109, v: 40, n: 4 });
    assert.equal(
      series.bars.reduce((sum, b) => sum + b.n, 0),
      57,
    );
  });

  it('candles: 404 unknown, 400 for a trade collection and for from after to', async () => {
    const unknown = await http.get('/collections/btcusdt_nothing/candles');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'SF_NOT_FOUND');
    const trades = await http.get('/collections/btcusdt_api_trades_2024_08_01/candles');
    assert.equal(trades.status, 400);
    assert.match(trades.body.message, /holds trades, not candles/);
    const backwards = await http.get(`/collections/${candles}/candles?from=10&to=5`);
    assert.equal(backwards.status, 400);
    assert.equal(backwards.body.code, 'SF_INVALID_REQUEST');
    const tooMany = await http.get(`/collections/${candles}/candles?max_points=100000`);
    assert.equal(tooMany.status, 400);
  });

  it('answers a graph collection with two Louvain communities, and only its last max_nodes', async () => {
    const { status, body } = await http.get(`/graphs/${graph}`);
    assert.equal(status, 200, JSON.stringify(body));
    const view = body as unknown as {
      nodes: { t: number; close: number; community: number }[];
      edges: number[][];
    } & Record<string, unknown>;
    // Read through graph-builder's graph-store: its catalog row gives the symbol and interval.
    assert.equal(view.symbol, 'BTCUSDT');
    assert.equal(view.interval, '5m');
    assert.equal(view.node_count, 24);
    assert.equal(view.nodes.length, 24);
    assert.equal(view.edge_count, 2 * 66 + 1);
    assert.equal(view.communities, 2);
    assert.ok((view.modularity as number) > 0.4, String(view.modularity));
    const first = new Set(view.nodes.slice(0, 12).map((n) => n.community));
    const second = new Set(view.nodes.slice(12).map((n) => n.community));
    assert.equal(first.size, 1);
    assert.equal(second.size, 1);
    assert.notDeepEqual([...first], [...second]);
    assert.equal(view.nodes[0]!.t, Date.UTC(2024, 5, 1));

    const tail = (await http.get(`/graphs/${graph}?max_nodes=12`)).body as unknown as {
      nodes: unknown[];
      edges: number[][];
      truncated: boolean;
    };
    assert.equal(tail.nodes.length, 12);
    assert.equal(tail.truncated, true);
    assert.equal(tail.edges.length, 66);
    assert.ok(tail.edges.every(([s, t]) => s! < 12 && t! < 12));
  });

  it('graphs: 404 SF_NOT_FOUND for an unknown graph, 400 for a bad name', async () => {
    const unknown = await http.get('/graphs/no_such_graph');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'SF_NOT_FOUND');
    const bad = await http.get('/graphs/Bad%20Name');
    assert.equal(bad.status, 400);
  });
});
