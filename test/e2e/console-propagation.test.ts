import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { makeSpan, nanos, type Span } from '@stitch/model';
import { spansToOtlpJson } from '@stitch/wire';
import type { PropagationJson } from '@stitch/console/api-types';
import { launchBrowser, openPage, screenshot } from './console/browser.ts';
import { startSeededCentral, type SeededCentral } from './console/seeded-central.ts';

// The propagation page names services as people know them (service and account label, never a
// map key) and links each finding's example traces; a finding without examples says so.

const LEDGER = { id: '666666666666', name: 'ledger' };
const ORPHANS = 6;

describe('console: the propagation page in Chromium', () => {
  let seeded: SeededCentral;
  let browser: Browser;
  const orphanIds: string[] = [];

  before(async () => {
    [seeded, browser] = await Promise.all([startSeededCentral({ traces: 60 }), launchBrowser()]);
    const url = seeded.central.url;
    const sinks = (await (await fetch(`${url}/api/sinks`)).json()) as { sinks: Array<{ id: string }> };
    const link = (await (
      await fetch(`${url}/api/sinks/${sinks.sinks[0]!.id}/links`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accountId: LEDGER.id, accountName: LEDGER.name, types: ['traces'], labelTemplate: '$AccountName ($AccountId)' }),
      })
    ).json()) as { token: string };
    // The ledger's server spans name a calling span that never arrives (its caller sends none).
    const spans: Span[] = Array.from({ length: ORPHANS }, (_, i) => {
      const startMs = Date.now() - 5 * 60_000 + i * 1_000;
      const traceId = `6e${(i + 1).toString(16).padStart(30, '0')}`;
      orphanIds.push(traceId);
      return makeSpan({
        traceId,
        spanId: `6e${(i + 1).toString(16).padStart(14, '0')}`,
        parentSpanId: `7f${(i + 1).toString(16).padStart(14, '0')}`,
        name: 'POST /entries',
        kind: 'server',
        resource: { serviceName: 'ledger', attributes: { 'service.name': 'ledger' } },
        startTimeUnixNano: nanos(BigInt(startMs) * 1_000_000n),
        endTimeUnixNano: nanos(BigInt(startMs + 40) * 1_000_000n),
      });
    });
    const posted = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${link.token}` }, body: JSON.stringify(spansToOtlpJson(spans)) });
    assert.equal(posted.status, 200, await posted.text());
    await seeded.central.flushServiceMap(true);
  });
  after(async () => {
    await browser?.close();
    await seeded?.stop();
  });

  /** The rows as shown: where (service and account label per node), and the example links. */
  const rowsOf = (page: Page) =>
    page.locator('tr[data-finding]').evaluateAll((rows) =>
      rows.map((row) => ({
        kind: row.getAttribute('data-finding'),
        where: [...row.querySelectorAll('.node-name')].map((node) => [node.querySelector('strong')!.textContent, node.querySelector('.account-label')!.textContent]),
        examples: [...row.querySelectorAll('a[data-example-trace]')].map((a) => a.getAttribute('href')),
        noExamples: row.querySelector('[data-no-examples]')?.textContent ?? null,
        text: (row as HTMLElement).innerText,
      })),
    );

  test('findings name services with their account labels and link their example traces; light and dark', async () => {
    const report = (await (await fetch(`${seeded.central.url}/api/propagation`)).json()) as PropagationJson;
    const ledger = report.findings.find((f) => f.kind === 'parent-never-arrived' && f.toNode?.service === 'ledger');
    assert.ok(ledger, `the ledger's missing parents are a finding: ${JSON.stringify(report.findings.map((f) => f.message))}`);
    assert.ok(ledger.exampleTraceIds.length > 0 && ledger.exampleTraceIds.every((id) => orphanIds.includes(id)), 'its examples are the ledger traces');

    const { page, errors } = await openPage(browser);
    await page.goto(`${seeded.central.url}/propagation`);
    await page.locator('tr[data-finding]').first().waitFor();
    const rows = await rowsOf(page);
    assert.equal(rows.length, report.findings.length);
    for (const [i, row] of rows.entries()) {
      assert.doesNotMatch(row.text, /(service|http|aws|queue)\|/, 'no map key shows');
      assert.deepEqual(row.examples, report.findings[i]!.exampleTraceIds.map((id) => `/trace/${id}`));
    }
    const shown = rows.find((row) => row.examples.some((href) => href!.includes(ledger.exampleTraceIds[0]!)))!;
    assert.deepEqual(shown.where, [['ledger', 'ledger (666666666666)']]);
    await screenshot(page, 'propagation-light');
    await page.getByRole('button', { name: /Dark theme/ }).click();
    await screenshot(page, 'propagation-dark');
    await page.getByRole('button', { name: /Light theme/ }).click();

    await page.locator(`a[data-example-trace="${ledger.exampleTraceIds[0]}"]`).click();
    await page.waitForURL((url) => url.pathname === `/trace/${ledger.exampleTraceIds[0]}`);
    await page.locator('.wf-row').first().waitFor();
    assert.deepEqual(errors, []);
  });

  test('a finding without examples says so and offers the search of its service, which finds its traces', async () => {
    const { page } = await openPage(browser);
    // The aggregator kept no examples (as for an entry without context): the page must not show an empty cell.
    await page.route('**/api/propagation?*', async (route) => {
      const answer = (await (await route.fetch()).json()) as PropagationJson;
      await route.fulfill({ json: { ...answer, findings: answer.findings.map((f) => ({ ...f, exampleTraceIds: [] })) } });
    });
    await page.goto(`${seeded.central.url}/propagation`);
    await page.locator('tr[data-finding] [data-no-examples]').first().waitFor();
    const rows = await rowsOf(page);
    assert.ok(rows.every((row) => row.examples.length === 0 && /No example trace was recorded/.test(row.noExamples ?? '')));
    await screenshot(page, 'propagation-no-examples');
    const ledgerRow = page.locator('tr[data-finding]', { has: page.locator('[data-service="ledger"]') });
    await ledgerRow.getByRole('link', { name: "Search ledger's traces in this window" }).click();
    await page.waitForURL((url) => url.pathname === '/search');
    const search = new URL(page.url()).searchParams;
    assert.deepEqual([search.get('q'), search.get('account')], ['service("ledger")', LEDGER.id]);
    await page.locator('tr[data-trace-id]').first().waitFor();
    const found = await page.locator('tr[data-trace-id]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-trace-id')));
    assert.deepEqual(new Set(found), new Set(orphanIds), "exactly the ledger's traces");
  });
});
