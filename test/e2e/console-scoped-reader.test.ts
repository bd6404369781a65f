import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ACCOUNTS } from '@stitch/test-support/fixtures';
import { launchBrowser, openPage, screenshot } from './console/browser.ts';
import { startSeededCentral, type SeededCentral } from './console/seeded-central.ts';

const ADMIN = 'admin-token-0123456789abcdef';
/** What Chromium logs for the first call, before the page has a token (it then asks for one). */
const BEFORE_THE_TOKEN = /Failed to load resource: the server responded with a status of 401/;

let seeded: SeededCentral;
let browser: Browser;
let token = '';

before(async () => {
  [seeded, browser] = await Promise.all([startSeededCentral({ traces: 30, slowTraces: 2, adminToken: ADMIN }), launchBrowser()]);
  const response = await fetch(`${seeded.central.url}/api/tokens`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ accounts: [ACCOUNTS.checkout.id] }) });
  assert.equal(response.status, 201);
  token = ((await response.json()) as { token: string }).token;
});
after(async () => {
  await browser?.close();
  await seeded?.stop();
});

test("the console with a token scoped to one account: its account, its traces with the others' spans hidden, its map", { timeout: 120_000 }, async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(`${seeded.central.url}/accounts`);
  await page.getByPlaceholder('read token').fill(token);
  await page.getByRole('button', { name: 'Open the console' }).click();
  await page.locator('tr[data-account-id]').first().waitFor();
  assert.deepEqual(await page.locator('tr[data-account-id]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-account-id'))), [ACCOUNTS.checkout.id]);

  // Every checkout trace crosses the five accounts: the other four are hidden rows, timing kept.
  await page.goto(`${seeded.central.url}/trace/${seeded.slowTraceIds[0]}`);
  await page.locator('.wf-row').first().waitFor();
  const rows = await page.locator('.wf-row').evaluateAll((elements) => elements.map((e) => ({ hidden: e.classList.contains('is-hidden'), text: e.textContent ?? '' })));
  const hidden = rows.filter((row) => row.hidden);
  assert.ok(hidden.length > 0 && hidden.length < rows.length, `${hidden.length} hidden of ${rows.length}`);
  for (const row of hidden) assert.match(row.text, /account \d{12} \(hidden\)/);
  for (const other of [ACCOUNTS.edge, ACCOUNTS.payments, ACCOUNTS.catalog, ACCOUNTS.notifications]) {
    assert.ok(!rows.some((row) => row.text.includes(other.label) && !row.text.includes(`account ${other.id} (hidden)`)), `nothing named for ${other.label}`);
  }
  await page.locator('.wf-row.is-hidden').first().click();
  await page.locator('[data-fact="hidden"]').waitFor();
  await screenshot(page, 'scoped-reader-trace');

  await page.goto(`${seeded.central.url}/search`);
  await page.locator('tr[data-trace-id]').first().waitFor();
  await page.goto(`${seeded.central.url}/map`);
  await page.locator('svg[data-node-count] [data-node-id]').first().waitFor();
  const nodes = await page.locator('[data-node-id]').evaluateAll((elements) => elements.map((e) => e.getAttribute('data-node-id') ?? ''));
  assert.ok(nodes.every((id) => id.includes(`|${ACCOUNTS.checkout.id}|`)), `map nodes of its account only: ${nodes.join(' ')}`);
  assert.deepEqual(errors.filter((error) => !BEFORE_THE_TOKEN.test(error)), []);
});
