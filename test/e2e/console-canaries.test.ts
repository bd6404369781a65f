import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startTargetServer, type TargetServer } from '@stitch/test-support/target-server';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { launchBrowser, openPage, screenshot } from './console/browser.ts';

let central: TestCentral;
let target: TargetServer;
let browser: Browser;

before(async () => {
  [central, target, browser] = await Promise.all([startTestCentral(), startTargetServer({ flakyEvery: 2 }), launchBrowser()]);
  const create = (body: object) => fetch(`${central.url}/api/canaries`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await create({ id: 'health', name: 'health', everySeconds: 3600, steps: [{ name: 'ping', method: 'GET', url: `${target.url}/status/200`, assertions: [{ status: 200 }] }] });
  await create({
    id: 'checkout',
    name: 'checkout',
    everySeconds: 3600,
    steps: [
      { name: 'order', method: 'POST', url: `${target.url}/order`, assertions: [{ status: 200 }] },
      { name: 'pay', method: 'GET', url: `${target.url}/flaky`, assertions: [{ status: 200 }] },
    ],
  });
});
after(async () => {
  await browser?.close();
  await central?.stop();
  await target?.close();
});

test('the canaries page: journeys with their last run, runs step by step with pass/fail, run now, a run opens its trace', { timeout: 60_000 }, async () => {
  // The run on creation (a run asked for while it goes answers it), then one more: the flaky step answers 200, then 503.
  const runNow = (id: string) => fetch(`${central.url}/api/canaries/${id}/run`, { method: 'POST' });
  await Promise.all([runNow('health'), runNow('checkout')]);
  await runNow('checkout');
  const { page, errors } = await openPage(browser);
  await page.goto(`${central.url}/canaries?canary=checkout`);
  const canaries = page.getByRole('table', { name: 'canaries' });
  await canaries.locator('tr[data-canary="checkout"]').waitFor();
  assert.equal(await canaries.locator('tr[data-canary]').count(), 2);
  assert.equal(await canaries.locator('tr[data-canary="health"] [data-last-run]').getAttribute('data-last-run'), 'pass');
  const checkout = canaries.locator('tr[data-canary="checkout"]');
  assert.equal(await checkout.locator('[data-last-run]').getAttribute('data-last-run'), 'fail');
  assert.match((await checkout.textContent())!, /order → pay.*3600 s.*2 \/ 1/);

  const runs = page.getByRole('region', { name: 'runs of checkout' }).getByRole('table', { name: 'recent runs' });
  await runs.locator('tr[data-run]').nth(1).waitFor();
  const rows = runs.locator('tr[data-run]');
  // Newest first: the failed run (pay got 503), then the passing one.
  assert.equal(await rows.nth(0).getAttribute('data-ok'), 'false');
  assert.equal(await rows.nth(0).locator('[data-step="order"]').getAttribute('data-step-ok'), 'true');
  assert.equal(await rows.nth(0).locator('[data-step="pay"]').getAttribute('data-step-ok'), 'false');
  assert.match((await rows.nth(0).textContent())!, /pay: status = 200 failed: got 503/);
  assert.equal(await rows.nth(1).getAttribute('data-ok'), 'true');

  await page.getByRole('button', { name: 'Run now' }).click();
  await runs.locator('tr[data-run]').nth(2).waitFor();
  assert.equal(await rows.nth(0).getAttribute('data-ok'), 'true', 'the third call to the flaky step passes');
  assert.equal(target.received.filter((request) => request.path === '/flaky').length, 3);
  await screenshot(page, 'canaries');

  const traceId = (await rows.nth(1).getAttribute('data-run'))!;
  await rows.nth(1).getByRole('link').click();
  await page.waitForURL(`**/trace/${traceId}`);
  await page.getByText('canary:checkout').first().waitFor();
  assert.deepEqual(errors, []);
});
