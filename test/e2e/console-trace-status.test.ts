import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { summarizeTrace, type Span, type TraceStatus } from '@stitch/model';
import { parseFilter, traceMatches } from '@stitch/query';
import { checkoutTraces } from '@stitch/test-support/fixtures';
import { launchBrowser, openPage, screenshot } from './console/browser.ts';
import { startSeededCentral, type SeededCentral } from './console/seeded-central.ts';

/** The root answered with this HTTP status (and an error status for a 5xx), as the caller saw it: the attribute travels, the model's field is what ingest derives from it. */
function rootAnswered(trace: Span[], statusCode: number): Span[] {
  return trace.map((span) =>
    span.parentSpanId === null
      ? {
          ...span,
          attributes: { ...span.attributes, 'http.response.status_code': statusCode },
          http: { ...span.http, statusCode },
          status: statusCode >= 500 ? { code: 'error', message: 'bad gateway' } : span.status,
        }
      : span,
  );
}

// Checkout traces whose callers saw different things: stock lookups retried twice and then
// served (the request succeeded), a 502 and a 404 at the edge, and traces whose root has not arrived.
const RETRIED = checkoutTraces(4, 0x51, { stockAttempts: 3 });
const FAULTED = checkoutTraces(2, 0x52).map((trace) => rootAnswered(trace, 502));
const REFUSED = checkoutTraces(2, 0x53).map((trace) => rootAnswered(trace, 404));
const ROOTLESS = checkoutTraces(2, 0x54).map((trace) => trace.filter((span) => span.parentSpanId !== null));
const CASES = [...RETRIED, ...FAULTED, ...REFUSED, ...ROOTLESS];

/** What each trace's status and error count are, from its spans (the reference, not the store). */
const truth = new Map(CASES.map((trace) => [trace[0]!.traceId, summarizeTrace(trace)!]));

describe('the console: a trace\'s status is what its caller saw, the errors inside apart', () => {
  let seeded: SeededCentral;
  let browser: Browser;
  before(async () => {
    [seeded, browser] = await Promise.all([startSeededCentral({ traces: 20, slowTraces: 2, extraTraces: CASES }), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await seeded?.stop();
  });

  test('the results table shows each trace\'s status and the errors inside, distinctly', async () => {
    // The cases are not vacuous: every status occurs, and the retried traces succeeded with errors inside.
    const statuses = new Set([...truth.values()].map((summary) => summary.status));
    assert.deepEqual([...statuses].sort(), ['error', 'fault', 'ok', 'unknown'] satisfies TraceStatus[]);
    for (const trace of RETRIED) assert.ok(truth.get(trace[0]!.traceId)!.errorSpanCount >= 2);

    const { page, errors } = await openPage(browser);
    await page.goto(`${seeded.central.url}/search?range=1h&q=${encodeURIComponent('NOT trace.status = ok OR fault')}`);
    await page.locator('tr[data-trace-id]').first().waitFor();
    const rows = await page.locator('tr[data-trace-id]').evaluateAll((elements) =>
      elements.map((row) => {
        const status = row.querySelector('.trace-status')!;
        return { traceId: row.getAttribute('data-trace-id')!, status: status.getAttribute('data-status'), errorSpans: Number(status.getAttribute('data-error-spans')), text: [...status.children].map((part) => part.textContent).join(' · ') };
      }),
    );
    assert.deepEqual(new Set(rows.map((row) => row.traceId)), new Set(truth.keys()), 'exactly the planted cases');
    for (const row of rows) {
      const want = truth.get(row.traceId)!;
      assert.equal(row.status, want.status, row.traceId);
      assert.equal(row.errorSpans, want.errorSpanCount, row.traceId);
    }
    const retried = rows.find((row) => row.traceId === RETRIED[0]![0]!.traceId)!;
    assert.equal(retried.text, `OK · contains ${truth.get(retried.traceId)!.errorSpanCount} errors`);
    assert.equal(rows.find((row) => row.traceId === ROOTLESS[0]![0]!.traceId)!.status, 'unknown');
    await screenshot(page, 'search-trace-status');
    assert.deepEqual(errors, []);
  });

  test('trace.status in the filter box picks requests that succeeded although a span failed', async () => {
    const { page } = await openPage(browser);
    const text = 'trace.status = ok AND fault';
    await page.goto(`${seeded.central.url}/search?range=1h&q=${encodeURIComponent(text)}`);
    await page.locator('tr[data-trace-id]').first().waitFor();
    const shown = await page.locator('tr[data-trace-id]').evaluateAll((elements) => elements.map((row) => row.getAttribute('data-trace-id')));
    const want = CASES.filter((trace) => traceMatches(parseFilter(text), trace)).map((trace) => trace[0]!.traceId);
    assert.deepEqual(new Set(shown), new Set(want));
    assert.equal(want.length, RETRIED.length);
  });

  test('the trace page header says what the caller saw and how many spans erred inside', async () => {
    const { page, errors } = await openPage(browser);
    for (const trace of [RETRIED[0]!, FAULTED[0]!]) {
      const traceId = trace[0]!.traceId;
      await page.goto(`${seeded.central.url}/trace/${traceId}`);
      const fact = page.locator('[data-fact="status"] .trace-status');
      await fact.waitFor();
      const want = truth.get(traceId)!;
      assert.equal(await fact.getAttribute('data-status'), want.status);
      assert.equal(Number(await fact.getAttribute('data-error-spans')), want.errorSpanCount);
      if (want.status === 'ok') {
        assert.equal(await fact.locator('.badge').textContent(), 'OK');
        assert.equal(await fact.locator('.contains-errors').textContent(), `contains ${want.errorSpanCount} errors`);
        await screenshot(page, 'trace-status-ok-with-errors');
      } else {
        assert.match((await fact.textContent())!, /^FAULT/);
      }
    }
    assert.deepEqual(errors, []);
  });
});
