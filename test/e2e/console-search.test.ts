import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { makeSpan, nanos } from '@stitch/model';
import { ACCOUNTS } from '@stitch/test-support/fixtures';
import { launchBrowser, openPage, screenshot } from './console/browser.ts';
import { startSeededCentral, type SeededCentral } from './console/seeded-central.ts';

// A trace whose root has not arrived: its one span names a parent, and it is among the newest
// (the checkout fixtures start within 600 s of their T0, moved to end about now; this one starts at 595 s).
const FIXTURES_T0_MS = 1_764_000_000_000n;
const arrivingAt = (FIXTURES_T0_MS + 595_000n) * 1_000_000n;
const arrivingTrace = [
  makeSpan({ traceId: 'ab'.repeat(16), spanId: '00000000000000a1', parentSpanId: '00000000000000a0', name: 'GET /stock', kind: 'server', startTimeUnixNano: nanos(arrivingAt), endTimeUnixNano: nanos(arrivingAt + 40_000_000n), account: ACCOUNTS.catalog, resource: { serviceName: 'inventory', attributes: { 'service.name': 'inventory' } } }),
];

describe('the console: trace search in Chromium', () => {
  let seeded: SeededCentral;
  let browser: Browser;
  before(async () => {
    [seeded, browser] = await Promise.all([startSeededCentral(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await seeded?.stop();
  });

  test('a filter lists its traces with their duration histogram; a row opens the trace', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${seeded.central.url}/search?q=${encodeURIComponent('duration > 8')}`);
    await page.locator('tr[data-trace-id]').first().waitFor();
    const rows = page.locator('tr[data-trace-id]');
    assert.equal(await rows.count(), seeded.slowTraceIds.length, 'exactly the slow traces');
    const shown = await rows.evaluateAll((elements) => elements.map((e) => e.getAttribute('data-trace-id')));
    assert.deepEqual(new Set(shown), new Set(seeded.slowTraceIds));
    assert.match((await rows.first().locator('td.duration').textContent())!, /^8\.\d s$/);
    assert.match((await page.locator('.histogram-card').textContent())!, new RegExp(`${seeded.slowTraceIds.length} traces match`));
    await screenshot(page, 'search-slow');
    await rows.first().click();
    await page.waitForURL(/\/trace\/[0-9a-f]{32}/);
    assert.deepEqual(errors, []);
  });

  test('a trace id typed in the box, as 32 hex or in its X-Ray form, opens that trace; so does an X-Ray address', async () => {
    const { page, errors } = await openPage(browser);
    const traceId = seeded.slowTraceIds[0]!;
    const xrayId = `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;
    await page.goto(`${seeded.central.url}/search`);
    await page.getByLabel('filter expression').fill(xrayId);
    await page.getByLabel('filter expression').press('Enter');
    await page.waitForURL((url) => url.pathname === `/trace/${traceId}`);
    await page.locator('.wf-row').first().waitFor();
    await page.goto(`${seeded.central.url}/trace/${xrayId.toUpperCase()}`);
    await page.waitForURL((url) => url.pathname === `/trace/${traceId}`);
    await page.locator('.wf-row').first().waitFor();
    assert.deepEqual(errors, []);
  });

  test('a mistake in the expression shows under the column at fault, before and after searching', async () => {
    const { page } = await openPage(browser);
    await page.goto(`${seeded.central.url}/search`);
    const input = page.getByLabel('filter expression');
    await input.fill('duration > 8 AND servce("x")');
    const problem = page.getByRole('alert');
    await problem.waitFor();
    assert.match((await problem.textContent())!, /column 18: .*servce/);
    assert.equal(await page.getByRole('button', { name: 'Search' }).isDisabled(), true, 'no search with a broken expression');
    // A deep link with a broken expression: the server's 400 is shown the same way.
    await page.goto(`${seeded.central.url}/search?q=${encodeURIComponent('duration >')}`);
    await page.getByRole('alert').waitFor();
    assert.match((await page.getByRole('alert').textContent())!, /column \d+/);
    await screenshot(page, 'search-error');
  });

  test('dragging across the histogram keeps that range of durations, in the URL', async () => {
    const { page } = await openPage(browser);
    await page.goto(`${seeded.central.url}/search?range=1h`);
    await page.locator('.histogram .bar').first().waitFor();
    const bars = page.locator('.histogram .bar[data-count]:not([data-count="0"])');
    const slowest = bars.last();
    const fromMs = Number(await slowest.getAttribute('data-from-ms'));
    assert.ok(fromMs >= 5_000, `the last bar with traces holds the slow ones (from ${fromMs} ms)`);
    const box = (await slowest.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.up();
    await page.waitForURL(/minDuration=/);
    assert.equal(new URL(page.url()).searchParams.get('minDuration'), String(fromMs));
    await page.locator('[data-duration-filter]').waitFor();
    await page.locator('tr[data-trace-id]').first().waitFor();
    assert.equal(await page.locator('tr[data-trace-id]').count(), seeded.slowTraceIds.length);
  });

  test('the diagnosis of the current filter names payments › Stripe API call', async () => {
    const { page } = await openPage(browser);
    await page.goto(`${seeded.central.url}/search?q=${encodeURIComponent('duration > 8')}&range=1h`);
    await page.getByRole('button', { name: 'Diagnose these traces' }).click();
    const panel = page.getByRole('region', { name: 'diagnosis' });
    await panel.waitFor();
    const first = panel.locator('tbody tr').first();
    assert.match((await first.textContent())!, /payments › Stripe API call → Stripe \(api\.stripe\.com\)/);
    // Like with like: critical-path time here and usually side by side; span p50s under their own heading.
    const headings = await panel.locator('thead th').allTextContents();
    assert.deepEqual(headings, ['critical path held by', 'critical-path time per trace', 'span p50 (every span of it)', 'share', 'here', 'usually', 'change', 'here', 'usually']);
    assert.equal(await panel.locator('[data-incomplete]').count(), 0, 'every seeded trace is complete');
    assert.match(page.url(), /diagnose=1/, 'a link to the page opens the diagnosis too');
    await screenshot(page, 'search-diagnosis');
  });
});

describe('the console: the results list at 1440×900, in Chromium', () => {
  let listing: SeededCentral;
  let browser: Browser;
  before(async () => {
    [listing, browser] = await Promise.all([startSeededCentral({ traces: 60, slowTraces: 2, extraTraces: [arrivingTrace] }), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await listing?.stop();
  });

  test('the results at 1440×900: a line a trace and no wider than the window, "50 of N", sortable by duration, the trace still arriving marked and last', async () => {
    const { page, errors } = await openPage(browser, { width: 1440, height: 900 });
    await page.goto(`${listing.central.url}/search?range=1h`);
    await page.locator('tr[data-trace-id]').first().waitFor();
    const answer = (await (await fetch(`${listing.central.url}/api/traces?start=${Date.now() - 3_600_000}&end=${Date.now()}&histogram=true&limit=50`)).json()) as { traces: unknown[]; histogram: { total: number } };
    assert.ok(answer.histogram.total > 50, `more match than a page shows (${answer.histogram.total})`);
    assert.equal((await page.locator('.results-count').textContent())!.split(' · ')[0], `50 of ${answer.histogram.total} traces`);
    const table = await page.locator('table.results').evaluate((element) => ({ scrollWidth: element.scrollWidth, clientWidth: element.clientWidth, right: element.getBoundingClientRect().right }));
    assert.ok(table.scrollWidth <= table.clientWidth && table.right <= 1440, `the table fits the window: ${JSON.stringify(table)}`);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 1440, 'no horizontal scroll');
    const heights = await page.locator('tr[data-trace-id]').evaluateAll((rows) => rows.map((row) => row.getBoundingClientRect().height));
    assert.ok(Math.max(...heights) <= 36, `a line a trace (rows up to ${Math.max(...heights)} px)`);
    assert.ok(900 / Math.max(...heights) >= 20, 'twenty or more traces fit a screen');
    // The trace without a root is the newest, yet listed after every complete one, and says why.
    const ids = await page.locator('tr[data-trace-id]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-trace-id')));
    assert.equal(ids.at(-1), 'ab'.repeat(16));
    assert.match((await page.locator('tr[data-arriving]').textContent())!, /still arriving, no root yet/);
    await screenshot(page, 'search-results');

    await page.getByRole('button', { name: 'duration' }).click();
    assert.equal(await page.locator('th[aria-sort="descending"]').textContent(), 'duration ▾');
    const slowestFirst = await page.locator('tr[data-trace-id]:not([data-arriving]) td.duration .duration-text').allTextContents();
    const ms = slowestFirst.map((text) => Number(text.replace(/ ms$/, '').replace(/ s$/, 'e3').replace(/ µs$/, 'e-3')));
    assert.deepEqual(ms, [...ms].sort((a, b) => b - a), 'slowest first');
    assert.deepEqual(errors, []);
  });
});
