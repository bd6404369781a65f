import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { makeSpan, nanos, type Span } from '@stitch/model';
import { spansToOtlpJson } from '@stitch/wire';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { launchBrowser, openPage, screenshot } from './console/browser.ts';

const RATE_BY_SERVICE = '{ status = error } | rate() by (resource.service.name)';
const CHECKOUT = 'resource.service.name=checkout';
const PAYMENTS = 'resource.service.name=payments';

/**
 * 360 checkout requests over the last 48 minutes, one every 8 s, each a checkout root span and a
 * payments child: checkout fails in a burst (and now and then), payments fails under every fifth
 * request while checkout still answers it. So "checkout's error traces" and "traces with a
 * payments error" are two different sets, and a filter that mixed them up would show it.
 */
function traffic(nowMs: number): { spans: Span[]; checkoutErrorTraces: string[] } {
  const spans: Span[] = [];
  const checkoutErrorTraces: string[] = [];
  for (let i = 0; i < 360; i++) {
    const traceId = `5f3e${i.toString(16).padStart(28, '0')}`;
    const startMs = nowMs - 48 * 60_000 + i * 8_000;
    const checkoutFails = (i >= 150 && i < 210 && i % 2 === 0) || i % 37 === 0;
    const paymentsFails = i % 5 === 1;
    if (checkoutFails) checkoutErrorTraces.push(traceId);
    const at = (ms: number) => nanos(BigInt(ms) * 1_000_000n);
    const service = (name: string) => ({ serviceName: name, attributes: { 'service.name': name } });
    spans.push(
      makeSpan({ traceId, spanId: `a${i.toString(16).padStart(15, '0')}`, name: 'POST /checkout', startTimeUnixNano: at(startMs), endTimeUnixNano: at(startMs + 120 + (i % 9) * 15), status: { code: checkoutFails ? 'error' : 'ok', message: '' }, resource: service('checkout') }),
      makeSpan({ traceId, spanId: `b${i.toString(16).padStart(15, '0')}`, parentSpanId: `a${i.toString(16).padStart(15, '0')}`, name: 'charge', kind: 'client', startTimeUnixNano: at(startMs + 10), endTimeUnixNano: at(startMs + 90 + (i % 7) * 10), status: { code: paymentsFails ? 'error' : 'ok', message: '' }, resource: service('payments') }),
    );
  }
  return { spans, checkoutErrorTraces };
}

/** The legend's series names, in order. */
const legend = (page: Page) => page.getByRole('list', { name: 'series' }).locator('a .name').allTextContents();

describe('the console: a metrics query charted on the traces page, in Chromium', () => {
  let central: TestCentral;
  let browser: Browser;
  let checkoutErrorTraces: string[];
  before(async () => {
    [central, browser] = await Promise.all([startTestCentral(), launchBrowser()]);
    const made = traffic(Date.now());
    checkoutErrorTraces = made.checkoutErrorTraces;
    const response = await fetch(`${central.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spansToOtlpJson(made.spans)) });
    assert.equal(response.status, 200, await response.text());
  });
  after(async () => {
    await browser?.close();
    await central?.stop();
  });

  test("a metrics query draws a line per service; a series lists exactly its traces, in the chart's window", async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${central.url}/search`);
    const input = page.getByRole('combobox', { name: 'filter expression' });
    await input.fill(RATE_BY_SERVICE);
    assert.equal(await page.getByRole('alert').count(), 0, 'a metrics query is no mistake');
    await input.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('q') === RATE_BY_SERVICE);

    const chart = page.locator('[data-metrics-chart]');
    await chart.waitFor();
    assert.deepEqual(await legend(page), [CHECKOUT, PAYMENTS]);
    assert.equal(await chart.locator('svg a[data-series] path.line').count(), 2, 'one line per service');
    const yTicks = await chart.locator('svg .grid text[text-anchor="end"]').allTextContents();
    assert.ok(yTicks.slice(1).every((tick) => tick.endsWith('/s')), `a rate is per second: ${yTicks.join(' ')}`);
    assert.match((await chart.locator('.caption').textContent())!, /2 series · a point every 15 s/);
    assert.equal(await page.locator('tr[data-trace-id]').count(), 0, 'a chart, not a trace list');

    // Pointing at the chart reads both series at that step.
    const box = (await chart.getByRole('figure', { name: /series over the window/ }).boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    const readout = chart.locator('.readout');
    await readout.waitFor();
    assert.deepEqual((await readout.locator('.name').allTextContents()).sort(), [CHECKOUT, PAYMENTS]);
    await screenshot(page, 'metrics-query-rate');

    // A reload shows the same chart: the URL holds it.
    await page.reload();
    await chart.waitFor();
    assert.deepEqual(await legend(page), [CHECKOUT, PAYMENTS]);
    const chartUrl = new URL(page.url());

    await page.getByRole('list', { name: 'series' }).getByRole('link', { name: CHECKOUT }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === '{ status = "error" AND resource.service.name = "checkout" }');
    const listed = new URL(page.url());
    assert.equal(Number(listed.searchParams.get('end')) - Number(listed.searchParams.get('start')), 3_600_000, "the chart's hour, as times");
    assert.ok(Math.abs(Number(listed.searchParams.get('end')) - Date.now()) < 60_000, 'ending when the chart was drawn');
    await page.locator('tr[data-trace-id]').first().waitFor();
    const shown = await page.locator('tr[data-trace-id]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-trace-id')));
    assert.deepEqual(new Set(shown), new Set(checkoutErrorTraces), "exactly checkout's error traces, not those where only payments failed");
    assert.equal(shown.length, checkoutErrorTraces.length);

    // Back is the chart again; its payments line, clicked where it is drawn, lists payments' traces.
    await page.goBack();
    await page.waitForURL((url) => url.search === chartUrl.search);
    await chart.waitFor();
    const line = chart.locator(`svg a[data-series="${PAYMENTS}"] path.hit`);
    const point = await line.evaluate((path: SVGPathElement) => {
      const onPath = path.getPointAtLength(path.getTotalLength() / 2);
      const screen = new DOMPoint(onPath.x, onPath.y).matrixTransform(path.getScreenCTM()!);
      return { x: screen.x, y: screen.y };
    });
    await page.mouse.click(point.x, point.y);
    await page.waitForURL((url) => url.searchParams.get('q') === '{ status = "error" AND resource.service.name = "payments" }');
    await page.locator('tr[data-trace-id]').first().waitFor();
    assert.deepEqual(errors, []);
  });

  test('durations read in ms, quantiles are series of their own; many series are capped and can all be drawn', async () => {
    const { page, errors } = await openPage(browser);
    const quantiles = '{ } | quantile_over_time(duration, .5, .99) by (resource.service.name)';
    await page.goto(`${central.url}/search?q=${encodeURIComponent(quantiles)}&series=3`);
    const chart = page.locator('[data-metrics-chart]');
    await chart.waitFor();
    assert.deepEqual(await legend(page), [`${CHECKOUT}, p=0.5`, `${CHECKOUT}, p=0.99`, `${PAYMENTS}, p=0.5`]);
    const yTicks = await chart.locator('svg .grid text[text-anchor="end"]').allTextContents();
    assert.ok(yTicks.slice(1).every((tick) => / ms$/.test(tick)), `durations in ms: ${yTicks.join(' ')}`);
    assert.match((await page.locator('[data-series-limit]').textContent())!, /Drawn: the 3 series with the most spans of 4 \(1 hidden\)/);
    await page.getByRole('button', { name: 'Draw all 4' }).click();
    await page.waitForURL((url) => url.searchParams.get('series') === '4');
    await page.waitForFunction(() => document.querySelectorAll('[data-metrics-chart] svg a[data-series]').length === 4);
    assert.equal(await page.locator('[data-series-limit]').count(), 0);
    // A quantile is no fact of a span: its traces are the service's.
    assert.equal(new URL((await page.getByRole('list', { name: 'series' }).getByRole('link', { name: `${PAYMENTS}, p=0.99` }).getAttribute('href'))!, central.url).searchParams.get('q'), '{ resource.service.name = "payments" }');
    await page.getByRole('button', { name: 'Dark theme' }).click();
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await screenshot(page, 'metrics-query-quantiles-dark');
    assert.deepEqual(errors, []);
  });

  test("while it runs, no spans, a query's mistake, and central's 400 about it", async () => {
    const { page, errors } = await openPage(browser);
    const slowly = '**/api/metrics/query_range**';
    await page.route(slowly, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await route.continue();
    });
    await page.goto(`${central.url}/search?q=${encodeURIComponent('{ resource.service.name = "nobody" } | rate()')}`);
    await page.getByText('Running the query…').waitFor();
    await page.getByText('No spans match this query in this window.').waitFor();
    await page.unroute(slowly);

    const input = page.getByRole('combobox', { name: 'filter expression' });
    await input.fill('{ status = error } | rate() by (resource.service.name');
    assert.match((await page.getByRole('alert').textContent())!, /column 54: expected a closing "\)"/);
    assert.equal(await page.getByRole('button', { name: 'Search' }).isDisabled(), true);

    await page.route('**/api/metrics/query_range**', (route) => route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: 'q: column 22: rate() takes no field', column: 22 }) }));
    await page.goto(`${central.url}/search?q=${encodeURIComponent(RATE_BY_SERVICE)}`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent())!, /column 22: rate\(\) takes no field/);
    assert.match((await alert.locator('.caret-line').textContent())!, /\n {21}\^$/, 'the caret under column 22');
    assert.equal(await page.locator('[data-metrics-chart]').count(), 0);
    assert.deepEqual(errors.filter((error) => !error.includes('400')), []);
  });
});
