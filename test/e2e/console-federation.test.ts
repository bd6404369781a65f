import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { ACCOUNTS, checkoutTraces } from '@stitch/test-support/fixtures';
import { ACCOUNT_KEYS, startFederation, type Federation } from '../federation/federated-accounts.ts';
import { launchBrowser, openPage, screenshot } from './console/browser.ts';

// Ten checkouts of 2025-11-24 (the fixtures' fixed instant), kept by the five accounts' own agents.
const traces = checkoutTraces(10, 0xc0de);
const traceId = traces[0]![0]!.traceId;
// The pages take an explicit window from the URL: the fixtures' minutes, not "the last hour".
const SEARCH = `/search?q=${encodeURIComponent('service("edge-gateway")')}&start=1763999000000&end=1764001000000`;
const MAP = '/map?start=1763999940000&end=1764001000000';
const ORCHESTRATOR_NODE = `service|${ACCOUNTS.checkout.id}|checkout-orchestrator`;
const ALL_LABELS = Object.values(ACCOUNTS)
  .map((account) => account.label)
  .sort();
// Payments is named, with why; on a very busy machine another account may be named beside it (a timeout).
const MISSING_PAYMENTS = new RegExp(`^Partial result: no answer from (?:[^;]+; )*payments \\(${ACCOUNTS.payments.id}\\): unreachable \\([^)]+\\)[;.] .*The rest of the accounts answered\\.`);

describe('the console over federated accounts, in Chromium', () => {
  let view: Federation;
  let browser: Browser;
  const pageErrors: string[] = [];

  before(async () => {
    // A generous deadline: a busy machine (other suites, Chromium) must not turn a slow agent into a missing one.
    // A stopped agent is refused at once, whatever the deadline.
    [view, browser] = await Promise.all([startFederation(ACCOUNT_KEYS, { timeoutMs: 10_000 }), launchBrowser()]);
    await view.send(traces);
  });
  after(async () => {
    await browser?.close();
    await view?.stop();
  });

  async function open(path: string): Promise<Page> {
    const { page, errors } = await openPage(browser);
    page.on('close', () => pageErrors.push(...errors));
    await page.goto(`${view.central.url}${path}`);
    return page;
  }

  /** Waits for the search's answer and counts its rows; a failed search says why. */
  async function searchRows(page: Page): Promise<number> {
    await page.locator('.histogram-card, .search-page .error').first().waitFor();
    const failed = page.locator('.search-page .error');
    if (await failed.count()) assert.fail(`the search failed: ${await failed.innerText()}`);
    return page.locator('tr[data-trace-id]').count();
  }

  /** No partial banner; if there is one, its text says which account did not answer. */
  async function assertComplete(page: Page): Promise<void> {
    const banner = page.locator('[data-partial]');
    if (await banner.count()) assert.fail(`expected a complete answer, the page says: ${await banner.innerText()}`);
  }

  /** The labels of the accounts the trace header names. */
  async function traceAccounts(page: Page): Promise<string[]> {
    await page.locator('.trace-accounts > span').first().waitFor();
    return (await page.locator('.trace-accounts > span').allInnerTexts()).map((label) => label.trim()).sort();
  }

  test('with every account answering, a trace shows the spans of all five accounts and no partial banner', async () => {
    const page = await open(`/trace/${traceId}`);
    assert.deepEqual(await traceAccounts(page), ALL_LABELS);
    await assertComplete(page);
    assert.equal(await page.locator('.trace-facts [data-fact="spans"]').innerText(), String(traces[0]!.length));
    await screenshot(page, 'federation-trace-complete');

    const search = await open(SEARCH);
    const rows = await searchRows(search);
    await assertComplete(search);
    assert.equal(rows, traces.length);
    await Promise.all([page.close(), search.close()]);
  });

  test('the accounts page lists every account as federated, with where it is read and when it was last heard', async () => {
    const page = await open('/accounts');
    await page.locator('tr[data-account-id]').first().waitFor();
    for (const account of Object.values(ACCOUNTS)) {
      const sharing = page.locator(`tr[data-account-id="${account.id}"] [data-sharing]`);
      assert.equal(await sharing.getAttribute('data-sharing'), 'federated', account.label);
      assert.match(await sharing.innerText(), /^federated \(read at http:\/\/127\.0\.0\.1:\d+, last heard (just now|\d+ s ago)\)$/, account.label);
    }
    assert.equal(await page.locator('[data-sharing="piped"]').count(), 0);
    await screenshot(page, 'federation-accounts');
    await page.close();
  });

  test('with payments stopped, the trace, search, map, diagnosis and propagation pages each say payments did not answer', async () => {
    await view.stopAgent('payments');

    const trace = await open(`/trace/${traceId}`);
    const traceBanner = trace.locator('[data-partial]');
    await traceBanner.waitFor();
    assert.match(await traceBanner.innerText(), MISSING_PAYMENTS);
    assert.equal(await traceBanner.getAttribute('data-missing-accounts'), ACCOUNTS.payments.id);
    assert.equal(await traceBanner.getAttribute('role'), 'status');
    assert.deepEqual(await traceAccounts(trace), ALL_LABELS.filter((label) => label !== 'payments'), 'the other four accounts\' spans still show');
    await screenshot(trace, 'federation-trace-partial');

    const search = await open(SEARCH);
    const searchBanner = search.locator('[data-partial]');
    await searchBanner.waitFor();
    assert.match(await searchBanner.innerText(), MISSING_PAYMENTS);
    assert.equal(await searchRows(search), traces.length, 'the traces still list: their roots are in edge');
    assert.equal(await search.getByRole('alert').count(), 0, 'a partial answer is not the filter error');
    await screenshot(search, 'federation-search-partial');

    const map = await open(MAP);
    const mapBanner = map.locator('[data-partial]');
    await mapBanner.waitFor();
    assert.match(await mapBanner.innerText(), MISSING_PAYMENTS);
    await map.locator('svg[data-node-count] [data-node-id]').first().waitFor();
    assert.equal(await map.locator(`[data-node-id="${ORCHESTRATOR_NODE}"]`).count(), 1, 'the accounts that answered are drawn');
    await screenshot(map, 'federation-map-partial');

    // The diagnosis (a panel of the search page) and the propagation page read across accounts too.
    const diagnosis = await open(`${SEARCH}&diagnose=1`);
    const diagnosisBanner = diagnosis.getByRole('region', { name: 'diagnosis' }).locator('[data-partial]');
    await diagnosisBanner.waitFor();
    assert.match(await diagnosisBanner.innerText(), MISSING_PAYMENTS);
    const propagation = await open('/propagation?start=1763999000000&end=1764001000000');
    const propagationBanner = propagation.locator('[data-partial]');
    await propagationBanner.waitFor();
    assert.match(await propagationBanner.innerText(), MISSING_PAYMENTS);

    await Promise.all([trace, search, map, diagnosis, propagation].map((page) => page.close()));
    assert.deepEqual(pageErrors, []);
  });
});
