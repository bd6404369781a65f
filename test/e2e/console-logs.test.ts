import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { makeSpan, nanos, type LogRecord } from '@stitch/model';
import { logsToOtlpJson, spansToOtlpJson } from '@stitch/wire';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { launchBrowser, openPage, screenshot } from './console/browser.ts';

// One slow trace (root and a Stripe call) and one fast, with lines of their own and one of no trace.
const slow = '5f84c7a1' + '3'.repeat(24);
const fast = '5f84c7a1' + '4'.repeat(24);
const rootSpan = '00000000000000a1';
const stripeSpan = '00000000000000a2';
const at = (ms: number) => nanos(BigInt(ms) * 1_000_000n);
const line = (traceId: string, spanId: string, ms: number, severityNumber: number, body: string): LogRecord => ({
  timeUnixNano: at(ms),
  severityNumber,
  severityText: severityNumber >= 17 ? 'ERROR' : severityNumber >= 13 ? 'WARN' : 'INFO',
  body,
  traceId,
  spanId,
  serviceName: 'payments',
  attributes: {},
  account: { id: 'x', label: 'x' },
});

describe('the console: logs of a trace, and the logs page, in Chromium', () => {
  let central: TestCentral;
  let browser: Browser;
  before(async () => {
    [central, browser] = await Promise.all([startTestCentral(), launchBrowser()]);
    const now = Date.now();
    const spans = [
      makeSpan({ traceId: slow, spanId: rootSpan, name: 'POST /checkout', startTimeUnixNano: at(now - 60_000), endTimeUnixNano: at(now - 51_000) }),
      makeSpan({ traceId: slow, spanId: stripeSpan, parentSpanId: rootSpan, name: 'Stripe API call', kind: 'client', startTimeUnixNano: at(now - 59_000), endTimeUnixNano: at(now - 51_500) }),
      makeSpan({ traceId: fast, name: 'GET /health', startTimeUnixNano: at(now - 30_000), endTimeUnixNano: at(now - 29_900) }),
    ];
    const records = [
      line(slow, rootSpan, now - 59_500, 9, 'checkout started'),
      line(slow, stripeSpan, now - 51_600, 17, 'Stripe timed out after 7.5 s'),
      line(fast, '', now - 29_950, 9, 'health ok'),
      line('', '', now - 10_000, 13, 'pool nearly exhausted'),
    ];
    for (const [path, body] of [['/v1/traces', spansToOtlpJson(spans)], ['/v1/logs', logsToOtlpJson(records)]] as const) {
      const response = await fetch(`${central.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(response.status, 200, await response.text());
    }
  });
  after(async () => {
    await browser?.close();
    await central?.stop();
  });

  test("the trace page lists the trace's lines oldest first; a line's span link selects that span", async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${central.url}/trace/${slow}`);
    const table = page.getByRole('table', { name: 'Logs of this trace' });
    await table.waitFor();
    const rows = await table.locator('tbody tr').evaluateAll((elements) => elements.map((e) => e.textContent ?? ''));
    assert.equal(rows.length, 2);
    assert.match(rows[0]!, /INFO.*payments.*checkout started/);
    assert.match(rows[1]!, /ERROR.*Stripe timed out after 7\.5 s/);
    await screenshot(page, 'trace-logs');
    await table.getByRole('link', { name: `span ${stripeSpan}` }).click();
    await page.waitForURL((url) => url.searchParams.get('span') === stripeSpan);
    assert.deepEqual(errors, []);
  });

  test('the logs page: a filter of slow traces shows only their lines with the trace; a bad filter shows the error', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${central.url}/logs`);
    const lines = page.getByRole('table', { name: 'Log lines' });
    await lines.waitFor();
    assert.equal(await lines.locator('tbody tr').count(), 4, 'the last hour: every line');
    const filter = page.getByRole('search', { name: 'Log filter' });
    await filter.getByLabel('Trace filter').fill('duration > 2');
    await filter.getByRole('button', { name: 'Show logs' }).click();
    await page.waitForURL((url) => url.pathname === '/logs' && url.searchParams.get('q') === 'duration > 2');
    await page.locator('[data-joined-traces="1"]').waitFor();
    const rows = await lines.locator('tbody tr').evaluateAll((elements) => elements.map((e) => e.textContent ?? ''));
    assert.equal(rows.length, 2);
    for (const row of rows) assert.match(row, /9\.00 s checkout-orchestrator POST \/checkout/);
    await screenshot(page, 'logs-page');
    // Deep link with a severity: straight to the one error line.
    await page.goto(`${central.url}/logs?q=${encodeURIComponent('duration > 2')}&severity=error`);
    await page.locator('[data-joined-traces="1"]').waitFor();
    assert.equal(await lines.locator('tbody tr').count(), 1);
    await page.goto(`${central.url}/logs?q=${encodeURIComponent('duration >> 2')}`);
    assert.match((await page.getByRole('alert').textContent())!, /^q: column/);
    assert.deepEqual(errors.filter((e) => !e.includes('400')), []);
  });
});
