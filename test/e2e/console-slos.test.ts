import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { generatedTraffic } from '@stitch/metrics';
import { formatInstant, spanDuration, type Span } from '@stitch/model';
import { spansToOtlpJson } from '@stitch/wire';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { launchBrowser, openPage, screenshot } from './console/browser.ts';

const MINUTE = 60_000;
const NOW = Math.floor(Date.now() / MINUTE) * MINUTE;
const ACCOUNTS = [
  { id: 'local', label: 'local' },
];
// Five hours of traffic, and checkout slow for the last 20 minutes.
const spans = [
  ...generatedTraffic(41, { startMs: NOW - 300 * MINUTE, minutes: 299, count: 1_500, accounts: ACCOUNTS }),
  ...generatedTraffic(42, { startMs: NOW - 20 * MINUTE, minutes: 19, count: 150, accounts: ACCOUNTS, services: ['checkout'], durationMs: () => 3_000 }),
];
const isEntry = (s: Span) => s.kind === 'server' || s.kind === 'consumer' || s.parentSpanId === null;
const served = (service: string) => spans.filter((s) => isEntry(s) && s.resource.serviceName === service);
const isFault = (s: Span) => (s.http.statusCode !== null && s.http.statusCode >= 500) || (s.status.code === 'error' && !(s.http.statusCode !== null && s.http.statusCode >= 400 && s.http.statusCode < 500));

let central: TestCentral;
let browser: Browser;
const ids: Record<string, string> = {};

before(async () => {
  [central, browser] = await Promise.all([startTestCentral({ now: () => NOW }), launchBrowser()]);
  const sent = await fetch(`${central.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spansToOtlpJson(spans)) });
  assert.equal(sent.status, 200);
  await central.flushMetrics();
  const create = async (body: object) => {
    const response = await fetch(`${central.url}/api/slos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(response.status, 201);
    return ((await response.json()) as { slo: { id: string } }).slo.id;
  };
  ids.latency = await create({ name: 'checkout p99 under 2 s', selector: { service: 'checkout' }, objective: { kind: 'latency', thresholdMs: 2_000 }, target: 0.99, windowDays: 7 });
  ids.success = await create({ name: 'payments success', selector: { service: 'payments' }, objective: { kind: 'success' }, target: 0.5, windowDays: 30 });
});
after(async () => {
  await browser?.close();
  await central?.stop();
});

test('the SLO page: met and breached with compliance and budget left; one SLO\'s budget chart by day; the metrics page by service', { timeout: 60_000 }, async () => {
  const checkout = served('checkout');
  const good = checkout.filter((s) => Number(spanDuration(s)) <= 2e9).length;
  const compliance = good / checkout.length;
  const budgetLeft = 1 - (checkout.length - good) / (0.01 * checkout.length);
  const payments = served('payments');

  const { page, errors } = await openPage(browser);
  await page.goto(`${central.url}/slos`);
  const table = page.getByRole('table', { name: 'SLOs' });
  await table.waitFor();
  assert.match((await page.getByRole('heading', { level: 2 }).textContent())!, /1 met · 1 breached/);
  const latencyRow = page.locator(`tr[data-slo-id="${ids.latency}"]`);
  const lastHour = checkout.filter((s) => Number(s.startTimeUnixNano / 1_000_000n) >= NOW - 60 * MINUTE);
  const burnRates = [lastHour, checkout].map((list) => list.filter((s) => Number(spanDuration(s)) > 2e9).length / list.length / 0.01);
  const shownBurn = (rate: number) => `${rate.toFixed(rate >= 10 ? 0 : 2)}×`;
  assert.deepEqual(await latencyRow.locator('td.number').allTextContents(), ['99.00%', `${(compliance * 100).toFixed(3)}%`, `${(budgetLeft * 100).toFixed(1)}%`, ...burnRates.map(shownBurn)]);
  assert.equal(await latencyRow.locator('td').first().textContent(), 'breached');
  const successCells = await page.locator(`tr[data-slo-id="${ids.success}"] td`).allTextContents();
  assert.equal(successCells[0], 'met');
  assert.equal(successCells[3], `${((100 * payments.filter((s) => !isFault(s)).length) / payments.length).toFixed(3)}%`);

  // The SLO's name opens its detail, a URL of its own.
  await latencyRow.getByRole('link', { name: 'checkout p99 under 2 s' }).click();
  const detail = page.getByRole('region', { name: 'SLO checkout p99 under 2 s' });
  await detail.waitFor();
  assert.equal(new URL(page.url()).search, `?slo=${ids.latency}`);
  assert.equal(await detail.getByRole('group', { name: 'requests' }).locator('strong').textContent(), `${good} good of ${checkout.length}`);
  const chart = detail.getByRole('img', { name: /^error budget left day by day/ });
  assert.match((await chart.getAttribute('aria-label'))!, new RegExp(`; ${Math.round(budgetLeft * 100)} % left now$`));
  assert.equal(await chart.locator('g.overspent').count() + (await chart.locator('g.left').count()), 8, 'a bar per day of the 7-day window (the first one cut)');
  assert.equal(await detail.getByRole('table', { name: 'days of the window' }).locator('tbody tr').count(), 8);
  // The scale is written on it; pointing at a day reads that day out.
  const scale = await chart.locator('.budget-tick text').allTextContents();
  const overspentMost = Math.min(...(await chart.locator('g[data-day]').evaluateAll((days) => days.map((day) => Number(day.getAttribute('data-budget-left'))))));
  assert.ok(scale.includes('0 %') && scale.includes(`${Math.round(overspentMost * 100)} %`), `the zero line and the bottom: ${scale.join(', ')}`);
  const lastDay = chart.locator('g[data-day]').last();
  await lastDay.hover();
  const readout = await detail.locator('.budget-readout').textContent();
  assert.match(readout!, new RegExp(`budget left ${(Number(await lastDay.getAttribute('data-budget-left')) * 100).toFixed(1)} %$`));
  await screenshot(page, 'slos');

  await page.goto(`${central.url}/metrics?range=6h`);
  const metrics = page.getByRole('table', { name: 'span metrics by service' });
  await metrics.waitFor();
  for (const service of ['checkout', 'payments', 'inventory']) {
    const row = await metrics.locator(`tr[data-service="${service}"] td`).allTextContents();
    assert.equal(row[1], String(served(service).length), service);
  }
  // p99 over time: from the first minute with requests (5 h of a 6 h window), its ends' times written, a step read out under the pointer.
  const trend = metrics.locator('tr[data-service="checkout"] .p99-trend');
  const times = await trend.locator('svg > text').allTextContents();
  assert.equal(times.at(-2), formatInstant(NOW - 300 * MINUTE).slice(11, 16), `the line starts with the data: ${times.join(', ')}`);
  const box = (await trend.locator('svg').boundingBox())!;
  await page.mouse.move(box.x + box.width - 3, box.y + 10);
  assert.match((await trend.locator('.p99-trend-readout').textContent())!, /^\d\d:\d\d · p99 \d/);
  await page.getByLabel('group by').selectOption('operation');
  await page.getByRole('table', { name: 'span metrics by operation' }).waitFor();
  assert.match(new URL(page.url()).search, /groupBy=operation/);
  await screenshot(page, 'metrics');
  assert.deepEqual(errors, []);
});
