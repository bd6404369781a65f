import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { ok, startWebhookReceiver, type WebhookReceiver } from '@stitch/test-support/webhook-receiver';
import { launchBrowser, openPage, screenshot } from './console/browser.ts';

let central: TestCentral;
let hook: WebhookReceiver;
let browser: Browser;
const ids: Record<string, string> = {};

async function post(path: string, body?: unknown) {
  const response = await fetch(`${central.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  assert.ok(response.ok, `${path}: ${response.status}`);
  return (await response.json()) as { alarm: { id: string } };
}

before(async () => {
  [central, hook, browser] = await Promise.all([startTestCentral({ alarms: { evaluateEveryMs: 3_600_000 } }), startWebhookReceiver(ok), launchBrowser()]);
  // No traffic at all: "fewer than 1 request" is in ALARM once evaluated, the p99 rule has no data.
  ids.silent = (await post('/api/alarms', { name: 'checkout silent', condition: { kind: 'threshold', selector: { service: 'checkout' }, metric: 'requests', comparator: '<', threshold: 1, windowMinutes: 5 }, webhooks: [hook.url] })).alarm.id;
  ids.slow = (await post('/api/alarms', { name: 'checkout p99', condition: { kind: 'threshold', selector: { service: 'checkout' }, metric: 'p99', comparator: '>', threshold: 2000, windowMinutes: 5 }, datapointsToAlarm: 3 })).alarm.id;
  await post(`/api/alarms/${ids.silent}/evaluate`);
});
after(async () => {
  await browser?.close();
  await central?.stop();
  await hook?.close();
});

test('the alarms page: rules alarming first with their state, one rule\'s history and its deliveries, evaluate now', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(`${central.url}/alarms`);
  const table = page.getByRole('table', { name: 'alarm rules' });
  await table.waitFor();
  const rows = await table.locator('tbody tr').evaluateAll((elements) => elements.map((e) => (e as HTMLElement).dataset.alarmId));
  assert.deepEqual(rows, [ids.silent, ids.slow], 'ALARM before no data');
  const silent = page.locator(`tr[data-alarm-id="${ids.silent}"]`);
  assert.equal(await silent.getByLabel('state ALARM').count(), 1);
  assert.match((await silent.textContent())!, /requests < 1 over 5 min \(service checkout\).*requests 0 over 5 min is < 1.*INSUFFICIENT_DATA → ALARM/);
  assert.match((await page.getByRole('heading', { level: 2 }).textContent())!, /1 in alarm · 0 OK · 1 without data/);
  const slow = page.locator(`tr[data-alarm-id="${ids.slow}"]`);
  assert.match((await slow.textContent())!, /no data.*p99 > 2000 ms over 5 min \(service checkout\), 3 evaluations in a row.*not evaluated yet/);

  // The rule's name opens its history, a URL of its own.
  await silent.getByRole('link', { name: 'checkout silent' }).click();
  const history = page.getByRole('region', { name: 'history of checkout silent' });
  await history.locator(`tr[data-event-id="${ids.silent}.1"]`).waitFor();
  assert.equal(new URL(page.url()).search, `?alarm=${ids.silent}`);
  assert.match((await history.textContent())!, /no data → ALARM.*requests 0 over 5 min is < 1.*delivered http:\/\/127\.0\.0\.1:\d+\/hook \(200\) after 1 attempt/);
  await screenshot(page, 'alarms');

  // Evaluate now: the p99 rule is judged (no requests: still no data), and says so.
  await slow.getByRole('button', { name: 'Evaluate now' }).click();
  await slow.getByText(/0 requests over 5 min, fewer than the 1 needed/).waitFor();
  assert.equal(hook.received.length, 1, 'the page sent nothing itself');
  assert.deepEqual(errors, []);
});

test('a deep link to one rule opens its history directly', { timeout: 30_000 }, async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(`${central.url}/alarms?alarm=${ids.slow}`);
  await page.getByRole('region', { name: 'history of checkout p99' }).getByText('No state change yet.').waitFor();
  assert.equal(await page.locator(`tr.selected[data-alarm-id="${ids.slow}"]`).count(), 1);
  assert.deepEqual(errors, []);
});
