// The dashboard in a real browser (Debian's chromium driven by playwright-core) against the real
// `streamforge up` on a free port: start queues from the form (the token asked for and kept), watch
// one reach finished without reloading, stop one, retry a failed job, open a candle chart and see a
// graph render. Screenshots go to test-output/screenshots/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PGliteClient } from '../../src/store/index.ts';
import { startCli, type CliProcess } from '../support/cli.ts';
import { freePort } from '../support/free-port.ts';
import { writeFixtureGraph } from '../support/graph-fixture.ts';
import { CHROMIUM, CHROMIUM_ARGS, ensureWebBuild } from '../support/web-build.ts';

const SCREENSHOTS = resolve(import.meta.dirname, '..', '..', 'test-output', 'screenshots');
const TOKEN = 'dashboard-test-token';
const GRAPH = 'btc_graph_fixture';
const TIMEOUT = 60_000;
const missing = existsSync(CHROMIUM)
  ? false
  : `no ${CHROMIUM}: apt-get install chromium to run the browser tests (CI installs it)`;

// Run in the page (strings: this project's TypeScript has no DOM types outside web/).
const HIDE_CANVASES = `document.querySelectorAll('.graph canvas').forEach((c) => (c.style.visibility = 'hidden'))`;
const SHOW_CANVASES = `document.querySelectorAll('.graph canvas').forEach((c) => (c.style.visibility = ''))`;
/** Form controls with no label, aria-label or text: what a screen reader could not name. */
const UNLABELLED_CONTROLS = `[...document.querySelectorAll('input, select, textarea, button')]
  .filter((el) => el.closest('dialog:not([open])') === null)
  .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.textContent.trim()))
  .map((el) => el.outerHTML)`;

describe('the dashboard in chromium, on streamforge up', { skip: missing, timeout: 240_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sf-dashboard-'));
  let up: CliProcess;
  let url: string;
  let browser: Browser;
  let page: Page;

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  /** Starts a queue from the form with a template, or a payload typed in; returns its id. */
  const startFromForm = async (template: string, payload?: unknown): Promise<string> => {
    await page.getByRole('link', { name: 'Start a queue' }).click();
    await page.getByLabel('Template').selectOption(template);
    if (payload) await page.getByLabel('Payload (POST /queues/start)').fill(JSON.stringify(payload, null, 2));
    await page.getByRole('button', { name: 'Start queue' }).click();
    await page.waitForURL(/#\/queues\/wf-/, { timeout: TIMEOUT });
    return decodeURIComponent(page.url().split('#/queues/')[1]!);
  };
  const queueStatus = (status: string) =>
    page.locator('.title-row .badge', { hasText: new RegExp(`^${status}$`) }).waitFor({ timeout: TIMEOUT });

  before(async () => {
    const t0 = performance.now();
    const lap = (what: string) => console.log(`# ${what}: ${Math.round(performance.now() - t0)} ms`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await ensureWebBuild();
    // The graph page's graph, written where `up` will find it (one process owns a PGlite directory).
    // From the initdb template `up` saves, as `up` itself would (a fresh initdb in WASM takes many seconds).
    const sql = await PGliteClient.open({ dataDir, templateDir: join(tmpdir(), 'streamforge-cache') });
    await writeFixtureGraph(sql, GRAPH);
    await sql.close();
    lap('web built, graph written');
    const binance = await freePort(); // nobody listens: Binance loaders fail at once
    up = startCli(
      ['up', '--port', '0', '--data-dir', dataDir, '--job-seconds', '60', '--loading-interval', '0.3'],
      {
        QUEUE_MANAGER_TOKEN: TOKEN,
        BINANCE_API_URL: `http://127.0.0.1:${binance}`,
        BINANCE_MAX_RETRIES: '0',
        LOG_LEVEL: 'warn',
        VISUALIZER_POLL_SECONDS: '0.3',
      },
    );
    url = await up.waitForOutput('streamforge up', /StreamForge is up in [\d.]+ s: (http:\/\/\S+)/, TIMEOUT);
    lap('streamforge up');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(TIMEOUT);
    lap('chromium');
    // Answer the token prompt the first mutating request brings up.
    page.on('dialog', (dialog) => void dialog.accept());
  });
  after(async () => {
    await browser?.close();
    await up?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts a queue from the form after asking for the token, and watches it finish without reloading', async () => {
    await page.goto(url);
    await page.getByRole('heading', { name: 'Queues' }).waitFor();
    await page.getByText('live', { exact: true }).waitFor();
    await shot('01-empty-list');
    await page.getByRole('link', { name: 'Start a queue' }).click();
    await page.getByLabel('Template').selectOption('synthetic');
    // One day of the template's synthetic 5m candles (288) keeps the test short.
    const payload = page.getByLabel('Payload (POST /queues/start)');
    await payload.fill(
      (await payload.inputValue()).replace('2024-06-01:2024-06-30', '2024-06-01:2024-06-01'),
    );
    await page.getByRole('button', { name: 'Start queue' }).click();
    // QUEUE_MANAGER_TOKEN is set: the 401 brings up the token dialog.
    await page.getByLabel('QUEUE_MANAGER_TOKEN').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.waitForURL(/#\/queues\/wf-btcusdt-synthetic_candles_5m-20240601-/);
    const loads = await page.evaluate<number>("performance.getEntriesByType('navigation').length");
    await queueStatus('finished');
    // Still the same document: it was pushed there, not reloaded.
    assert.equal(await page.evaluate<number>("performance.getEntriesByType('navigation').length"), loads);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('streamforge.token')), TOKEN);
    await page.locator('.timeline li', { hasText: 'finished' }).first().waitFor();
    await page.locator('.chart canvas').first().waitFor();
    assert.equal(await page.locator('tr[data-status="finished"]').count(), 2);
    await shot('02-queue-finished');

    await page.getByRole('link', { name: '← Queues' }).click();
    await page.locator('tr[data-status="finished"]').first().waitFor();
    assert.equal(await page.locator('table.queues tbody tr').count(), 1);
  });

  it('lists a new queue live and stops it from its page', async () => {
    await page.getByRole('link', { name: 'Queues', exact: true }).click();
    await page.getByText('live', { exact: true }).waitFor();
    // Started through the API while the list is open: it appears without a reload.
    const res = await fetch(`${url}/queues/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        symbol: 'ETHUSDT',
        time_range: '2024-06-01:2024-06-01',
        // A streaming job: the real visualizer following the fixture graph, running until stopped.
        requests: [{ target: 'visualizer', type: 'graph_metrics_stream', source: GRAPH }],
      }),
    });
    assert.equal(res.status, 201);
    const { queue_id: id } = (await res.json()) as { queue_id: string };
    const row = page.locator(`tr[data-queue="${id}"]`);
    await row.and(page.locator('[data-status="running"]')).waitFor();
    await shot('03-list-running');
    await row.getByRole('link').click();
    await queueStatus('running');
    // The visualizer's metrics, live on the graph page it links to.
    await page.getByRole('link', { name: `live metrics of ${GRAPH}` }).click();
    await page.getByTestId('live-nodes').filter({ hasText: /^24$/ }).waitFor();
    assert.match((await page.getByTestId('live-communities').textContent()) ?? '', /^2 /);
    await shot('08-graph-live-metrics');
    await page.goBack();
    await queueStatus('running');
    await page.getByRole('button', { name: 'Stop' }).click();
    await queueStatus('stopped');
    await page.locator('.timeline li', { hasText: 'interrupted' }).first().waitFor();
    await shot('04-queue-stopped');
  });

  it('retries a failed job: a new attempt runs (and fails again, Binance being unreachable)', async () => {
    const id = await startFromForm('seed-historical', {
      symbol: 'BTCUSDT',
      time_range: '2024-06-01:2024-06-01',
      requests: [{ target: 'loader-producer', type: 'api_candles_5m', interval: '5m' }],
    });
    assert.match(id, /^wf-btcusdt-api_candles_5m-20240601-/);
    await queueStatus('failed');
    const job = page.locator('table.jobs tbody tr').first();
    await job.and(page.locator('[data-status="failed"]')).waitFor();
    await shot('05-queue-failed');
    await job.getByRole('button', { name: /^Retry/ }).click();
    await page.locator('.timeline li', { hasText: '(attempt 2)' }).first().waitFor();
    await queueStatus('failed');
    assert.equal((await job.locator('td.num').first().textContent())?.trim(), '2');
  });

  it('opens the candle chart of the collection the first queue wrote', async () => {
    await page.getByRole('link', { name: 'Queues', exact: true }).click();
    await page.getByLabel('Status').selectOption('finished');
    await page.locator('table.queues tbody tr').first().getByRole('link').click();
    await page.getByRole('link', { name: /^chart / }).click();
    await page.waitForURL(/#\/collections\/btcusdt_synthetic_candles_5m_2024_06_01$/);
    await page.locator('.candles canvas').first().waitFor();
    assert.equal(await page.getByTestId('rows').textContent(), '288');
    assert.equal(await page.getByTestId('gaps').textContent(), 'none');
    assert.equal(await page.locator('.candles').getAttribute('data-bars'), '288');
    await shot('06-candles');
  });

  it('renders a graph with sigma (WebGL), coloured by community', async () => {
    await page.getByRole('link', { name: 'Data', exact: true }).click();
    await page.getByLabel('Graph collection').fill(GRAPH);
    await page.getByRole('button', { name: 'Open graph' }).click();
    await page.locator('.graph[data-rendered="yes"]').waitFor();
    assert.equal(await page.getByTestId('communities').textContent(), '2');
    assert.equal(await page.getByTestId('nodes').textContent(), '24');
    // Something was drawn: the box looks different with sigma's WebGL canvases hidden. (Reading the
    // pixels back in the page gives nothing: WebGL clears its buffer once a frame is shown.)
    const graph = page.locator('.graph');
    const drawn = await graph.screenshot();
    await page.evaluate(HIDE_CANVASES);
    const blank = await graph.screenshot();
    await page.evaluate(SHOW_CANVASES);
    assert.ok(!drawn.equals(blank), 'the graph canvas shows nothing');
    await shot('07-graph');
  });

  it('is usable from the keyboard, labels every control and follows a dark OS theme', async () => {
    await page.goto(`${url}/#/start`);
    await page.getByRole('heading', { name: 'Start a queue' }).waitFor();
    // Tab from the top reaches the form's button.
    let reached = false;
    for (let i = 0; i < 20 && !reached; i += 1) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate<boolean>("document.activeElement?.textContent === 'Start queue'");
    }
    assert.ok(reached, 'the Start queue button is reachable with Tab');
    for (const hash of ['#/', '#/start', '#/data']) {
      await page.goto(`${url}/${hash}`);
      await page.locator('main h1').waitFor();
      const unlabelled = await page.evaluate<string[]>(UNLABELLED_CONTROLS);
      assert.deepEqual(unlabelled, [], `unlabelled controls on ${hash}`);
    }
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(url);
    await page.locator('table.queues').waitFor();
    const background = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    assert.equal(background, 'rgb(18, 19, 22)');
    await shot('08-list-dark');
  });
});
