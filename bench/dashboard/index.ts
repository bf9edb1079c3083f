// bench/dashboard: the dashboard's page weight (JS and CSS gzipped, first load and all pages), the
// time to a useful first paint of the queue list with 100 queues (navigation start → 100 rows drawn),
// and scrolling with 10,000 queues (frame times while a 200-row page scrolls; paging to the next 200),
// in Debian's chromium via playwright-core, against the queue manager on PGlite. The baseline, in the
// same run: the same table as static HTML from a bare node:http server (no script, no API).
//   npm run bench:dashboard [-- --runs 5]
import { readFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.ts';
import { MemoryBus } from '../../src/bus/index.ts';
import { InlineLauncher } from '../../src/launcher/index.ts';
import { createLogger } from '../../src/runtime/index.ts';
import { createJobCatalog } from '../../src/services/job-catalogue.ts';
import { QueueManager, readQueueManagerConfig } from '../../src/services/queue-manager/index.ts';
import { PGliteClient } from '../../src/store/index.ts';
import { percentiles } from '../support/stats.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.error(`no ${CHROMIUM}: apt-get install chromium`);
  process.exit(1);
}
const median = (xs: number[]): number => percentiles(xs, [50]).p50!;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

// 1. Page weight.
const webDir = mkdtempSync(join(tmpdir(), 'sf-bench-web-'));
const built = await buildWeb(webDir);
const gz = (path: string): number => {
  const file = join(webDir, path);
  return existsSync(`${file}.gz`) ? readFileSync(`${file}.gz`).length : readFileSync(file).length;
};
const scripts = built.files.filter((f) => f.path.endsWith('.js'));
const initialJs = built.initial.filter((p) => p.endsWith('.js')).reduce((sum, p) => sum + gz(p), 0);
const initialAll = built.initial.reduce((sum, p) => sum + gz(p), 0);
const allJs = scripts.reduce((sum, f) => sum + gz(f.path), 0);
console.log('page weight (gzip -9):');
console.log(
  `  first load (index.html, entry JS + static chunks, CSS): ${kb(initialAll)} (JS ${kb(initialJs)})`,
);
console.log(
  `  every page's JS (lazy chunks: charts, uPlot, sigma + graphology): ${kb(allJs)}  goal < 300 KB`,
);
for (const f of scripts.toSorted((a, b) => gz(b.path) - gz(a.path)).slice(0, 4))
  console.log(`    ${f.path.padEnd(40)} ${kb(gz(f.path))}`);

// 2. A manager with queues written straight into its tables (nothing scheduled: the list is what is measured).
const sql = await PGliteClient.open();
const config = readQueueManagerConfig({ PORT: '0', HOST: '127.0.0.1' }, { port: 0, host: '127.0.0.1' });
const bus = new MemoryBus();
const catalog = createJobCatalog({ simulation: config.simulation });
const logger = createLogger({ service: 'bench', level: 'silent' });
const launcher = new InlineLauncher({ bus, catalog, logger });
const manager = new QueueManager({ config, sql, bus, launcher, catalog, logger, webDir });
await manager.start();
const url = `http://127.0.0.1:${manager.port}`;
async function addQueues(from: number, count: number): Promise<void> {
  await sql.query(
    `insert into qm_queues (queue_id, symbol, time_range, status, request, created_at)
     select 'wf-btcusdt-api_candles_5m-20240601-' || lpad(i::text, 6, '0'), 'BTCUSDT', '2024-06-01:2024-06-30',
       case when i % 10 = 0 then 'running' else 'finished' end, '{}', now() - (i || ' seconds')::interval
     from generate_series($1::int, $2::int) i`,
    [from, from + count - 1],
  );
  await sql.query(
    `insert into qm_jobs (telemetry_id, queue_id, position, target, type, streaming, job_name, topic, collection, params,
       status, records_written, records_total)
     select 'loader-producer__' || lpad(i::text, 6, '0'), 'wf-btcusdt-api_candles_5m-20240601-' || lpad(i::text, 6, '0'), 0,
       'loader-producer', 'api_candles_5m', false, 'job-' || i, 't' || i, 'c' || i, '{}',
       case when i % 10 = 0 then 'running' else 'finished' end, case when i % 10 = 0 then 4000 else 8640 end, 8640
     from generate_series($1::int, $2::int) i`,
    [from, from + count - 1],
  );
}

// The baseline: the same rows as a static table, no script.
let staticRows = 100;
const baseline = createServer((_req, res) => {
  const rows = Array.from(
    { length: staticRows },
    (_, i) =>
      `<tr data-queue="q${i}"><td><a href="#">wf-btcusdt-api_candles_5m-20240601-${String(i).padStart(6, '0')}</a></td><td>BTCUSDT</td><td>finished</td><td><progress max="1" value="1"></progress></td><td>8,640 / 8,640</td><td>1 / 1</td><td>${i} s</td></tr>`,
  ).join('');
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end(`<!doctype html><html><body><table class="queues"><tbody>${rows}</tbody></table></body></html>`);
});
await new Promise<void>((resolve) => baseline.listen(0, '127.0.0.1', resolve));
const baselineUrl = `http://127.0.0.1:${(baseline.address() as { port: number }).port}/`;

const browser: Browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});

/** Navigation start → `rows` rows in the table, in a fresh context (cold cache), in ms. */
async function timeToRows(target: string, rows: number): Promise<{ rows: number; fcp: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(target, { waitUntil: 'commit' });
  await page.locator(`tr[data-queue]:nth-child(${rows})`).waitFor({ timeout: 60_000 });
  const at = await page.evaluate<number>('performance.now()');
  const fcp = await page.evaluate<number>(
    "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN",
  );
  await context.close();
  return { rows: at, fcp };
}

await addQueues(1, 100);
// One warm-up each (chromium's own first start, the server's first compile of each route).
await timeToRows(url, 50);
await timeToRows(baselineUrl, 100);
const dash: number[] = [];
const dashFcp: number[] = [];
const base: number[] = [];
for (let i = 0; i < runs; i += 1) {
  // The list's first page is 50 rows (its default page size) of the 100.
  const full = await timeToRows(url, 50);
  dash.push(full.rows);
  dashFcp.push(full.fcp);
  base.push((await timeToRows(baselineUrl, 100)).rows);
}
console.log(
  `\nfirst useful paint, 100 queues stored, the list's first page (50 rows) drawn (median of ${runs}, cold cache):`,
);
console.log(
  `  dashboard ${median(dash).toFixed(0)} ms (first contentful paint ${median(dashFcp).toFixed(0)} ms)  goal < 1000 ms`,
);
console.log(
  `  static HTML table of 100 rows ${median(base).toFixed(0)} ms  ratio ${(median(dash) / median(base)).toFixed(2)}×`,
);

// 3. 10,000 queues: a 200-row page, scrolled; then the next page.
await addQueues(101, 9900);
staticRows = 200;
const SCROLL = `new Promise((resolve) => {
  const deltas = [];
  let last = performance.now();
  const step = () => {
    const now = performance.now();
    deltas.push(now - last);
    last = now;
    if (window.scrollY + innerHeight >= document.body.scrollHeight - 2) return resolve(deltas.slice(1));
    window.scrollBy(0, 60);
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
})`;
async function scrollFrames(target: string, prepare?: (page: Page) => Promise<void>) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(target);
  await prepare?.(page);
  await page.locator('tr[data-queue]:nth-child(200)').waitFor({ timeout: 60_000 });
  const frames = await page.evaluate<number[]>(SCROLL);
  let nextMs = NaN;
  if (prepare) {
    const first = await page.locator('tr[data-queue]').first().getAttribute('data-queue');
    const started = performance.now();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator(`tr[data-queue]:first-child:not([data-queue="${first}"])`).waitFor();
    await page.locator('tr[data-queue]:nth-child(200)').waitFor();
    nextMs = performance.now() - started;
  }
  await context.close();
  return { frames, nextMs };
}
const perPage200 = async (page: Page) => {
  await page.getByLabel('Per page').selectOption('200');
};
const scrolls: number[][] = [];
const nexts: number[] = [];
const baseScrolls: number[][] = [];
for (let i = 0; i < Math.min(runs, 3); i += 1) {
  const run = await scrollFrames(url, perPage200);
  scrolls.push(run.frames);
  nexts.push(run.nextMs);
  baseScrolls.push((await scrollFrames(baselineUrl)).frames);
}
const describeFrames = (all: number[][]): string => {
  const frames = all.flat();
  const p = percentiles(frames, [50, 95, 99]);
  const slow = frames.filter((f) => f > 25).length;
  return `${frames.length} frames, p50 ${p.p50!.toFixed(1)} / p95 ${p.p95!.toFixed(1)} / p99 ${p.p99!.toFixed(1)} ms, ${((slow / frames.length) * 100).toFixed(1)}% over 25 ms`;
};
console.log(
  `\n10,000 queues stored, 200 per page (pagination in the database), scrolled top to bottom, ${scrolls.length} runs:`,
);
console.log(`  dashboard      ${describeFrames(scrolls)}`);
console.log(`  static table   ${describeFrames(baseScrolls)}`);
console.log(`  Next page (200 rows over a new SSE stream): median ${median(nexts).toFixed(0)} ms`);

await browser.close();
baseline.close();
await manager.close();
await bus.close();
await sql.close();
rmSync(webDir, { recursive: true, force: true });
