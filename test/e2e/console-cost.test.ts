import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { makeSpan, nanos, type Span } from '@stitch/model';
import { spansToOtlpJson } from '@stitch/wire';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { launchBrowser, openPage, screenshot } from './console/browser.ts';

// The /cost page over 40 checkout traces (central's own account) and 15 payments traces (a
// linked account): the tables, the price sheet edited from the page, and a what-if.

let central: TestCentral;
let browser: Browser;
const DAY_MS = 86_400_000;
const todayStart = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const traces = (service: string, n: number, everyMs: number, prefix: string): Span[] =>
  Array.from({ length: n }, (_, i) =>
    makeSpan({
      traceId: `${prefix}${(i + 1).toString(16).padStart(30, '0')}`,
      startTimeUnixNano: nanos(BigInt(todayStart + 3_600_000 + i * everyMs) * 1_000_000n),
      endTimeUnixNano: nanos(BigInt(todayStart + 3_600_000 + i * everyMs + 20) * 1_000_000n),
      resource: { serviceName: service, attributes: {} },
    }),
  );

async function call(method: string, path: string, body: unknown, token?: string) {
  const response = await fetch(`${central.url}${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  assert.ok(response.ok, `${path}: ${response.status} ${await response.clone().text()}`);
  return response.json() as Promise<Record<string, any>>;
}

before(async () => {
  [central, browser] = await Promise.all([startTestCentral(), launchBrowser()]);
  const sink = await call('POST', '/api/sinks', { name: 'obs', allowedAccounts: ['*'], types: ['traces'] });
  const link = await call('POST', `/api/sinks/${sink.sink.id}/links`, { accountId: '444444444444', accountName: 'payments' });
  // checkout: 40 traces 250 ms apart (4 a second, past X-Ray's 1/s reservoir).
  await call('POST', '/v1/traces', spansToOtlpJson(traces('checkout', 40, 250, '7a')));
  await call('POST', '/v1/traces', spansToOtlpJson(traces('payments', 15, 1000, '7b')), link.token);
  // 10 traces through cart and pricing (both local) and payments (the linked account): once in
  // each account, once in the total.
  const shared = traces('cart', 10, 1000, '7c');
  await call('POST', '/v1/traces', spansToOtlpJson([...shared, ...shared.map((span, i) => ({ ...span, spanId: `c${(i + 1).toString(16).padStart(15, '0')}`, parentSpanId: span.spanId, resource: { serviceName: 'pricing', attributes: { 'service.name': 'pricing' } } }))]));
  await call('POST', '/v1/traces', spansToOtlpJson(shared.map((span, i) => ({ ...span, spanId: `d${(i + 1).toString(16).padStart(15, '0')}`, parentSpanId: span.spanId, resource: { serviceName: 'payments', attributes: { 'service.name': 'payments' } } }))), link.token);
});
after(async () => {
  await browser?.close();
  await central?.stop();
});

test('the cost page: per account, service and day; the price sheet edited; a what-if as a link', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(`${central.url}/cost?days=7`);
  const byAccount = page.getByRole('table', { name: 'cost per account' });
  await byAccount.waitFor();
  const rows = async (name: string) =>
    page.getByRole('table', { name }).locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].slice(0, 3).map((cell) => cell.textContent)));
  // Traces and spans: payments 15 + 10 shared; local 40 checkout + 10 shared (20 spans); 65 traces in all.
  // Accounts by their labels, the id once (the app's list of accounts may come after the report).
  await byAccount.getByText('payments (444444444444)').waitFor();
  assert.deepEqual(await rows('cost per account'), [['payments (444444444444)', '25', '25'], ['local', '50', '60'], ['total', '65', '85']]);
  // A service's share of its account's traces: cart stored the shared traces' first spans in local.
  assert.deepEqual(await rows('cost per service'), [['cart', '10', '10'], ['checkout', '40', '40'], ['payments', '25', '25'], ['pricing', '0', '10'], ['total', '65', '85']]);
  assert.equal((await rows('cost per day'))[0]![0], new Date(todayStart).toISOString().slice(0, 10));
  assert.equal(await page.locator('[data-total="cost"]').textContent(), '$0.00', 'within the free tier');

  // Only 5 traces a month free: 60 of the 65 cost $5 per million, $0.000005 each (no exponent).
  const sheet = page.getByRole('form', { name: 'price sheet' });
  await sheet.getByLabel('free traces a month').fill('5');
  await sheet.getByRole('button', { name: 'Save prices' }).click();
  await page.locator('[data-total="cost"]', { hasText: '$0.00030' }).waitFor();
  assert.match((await page.locator('.totals').textContent())!, /per trace \$0\.0000046(?!\d)/, '$0.0003 / 65 traces');
  await sheet.getByLabel('$ per GB stored').fill('-1');
  await sheet.getByRole('button', { name: 'Save prices' }).click();
  assert.match((await sheet.getByRole('alert').textContent())!, /^perGbStored: /);

  // checkout to 100 %: 40 traces in 9.75 s is 4.1026/s = 1 + 5 % of the rest, so 63.05/s arrive.
  const whatIf = page.getByRole('form', { name: 'what-if' });
  await whatIf.getByLabel('service').fill('checkout');
  await whatIf.getByLabel('rate').fill('100%');
  await whatIf.getByRole('button', { name: 'Estimate' }).click();
  const recorded = 40 / 9.75;
  const more = Math.round((1 + (recorded - 1) / 0.05 - recorded) * 30 * 86_400).toLocaleString('en-US');
  const answer = whatIf.getByRole('status');
  await answer.waitFor();
  assert.match((await answer.textContent())!, new RegExp(`checkout to 100 % ⇒ \\+${more} traces a month, \\+\\$\\d+\\.\\d\\d`));
  assert.equal(new URL(page.url()).search, '?days=7&service=checkout&rate=100%25');
  await screenshot(page, 'cost');

  // The answer is a link: opened afresh, it is there again.
  const { page: again } = await openPage(browser);
  await again.goto(page.url());
  assert.match((await again.getByRole('form', { name: 'what-if' }).getByRole('status').textContent())!, new RegExp(`\\+${more} traces a month`));
  assert.deepEqual(errors, ['Failed to load resource: the server responded with a status of 400 (Bad Request)'], 'only the refused price');
});
