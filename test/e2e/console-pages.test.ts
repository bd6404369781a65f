import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startTestCentral } from '@stitch/test-support/central';
import { launchBrowser, openPage, screenshot } from './console/browser.ts';
import { startSeededCentral, type SeededCentral } from './console/seeded-central.ts';

describe('the console: accounts, sampling, propagation, themes and the read token, in Chromium', () => {
  let seeded: SeededCentral;
  let browser: Browser;
  before(async () => {
    [seeded, browser] = await Promise.all([startSeededCentral({ traces: 40, slowTraces: 2 }), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await seeded?.stop();
  });

  test('accounts: every linked account with its link, span count and services', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${seeded.central.url}/accounts`);
    await page.locator('tr[data-account-id]').first().waitFor();
    const rows = await page.locator('tr[data-account-id]').evaluateAll((elements) => elements.map((e) => e.textContent ?? ''));
    assert.equal(rows.length, 5);
    const payments = rows.find((text) => text.includes('444444444444'))!;
    assert.match(payments, /payments/);
    assert.match(payments, /link-\w+: traces/);
    assert.match(payments, /payments\b/);
    assert.deepEqual(errors, []);
  });

  test('sampling: a temporary debug rule added from the form shows with its expiry, and can be deleted', async () => {
    const { page } = await openPage(browser);
    await page.goto(`${seeded.central.url}/sampling`);
    await page.locator('tr[data-rule="Default"]').waitFor();
    const form = page.getByRole('form', { name: 'add a sampling rule' });
    await form.locator('input[name="name"]').fill('debug-header');
    await form.locator('input[name="attribute"]').fill('http.request.header.x-debug=true');
    await form.getByRole('button', { name: 'Add' }).click();
    const added = page.locator('tr[data-rule="debug-header"]');
    await added.waitFor();
    assert.match((await added.textContent())!, /http\.request\.header\.x-debug=true.*1\/s, then 100 %.*in 30 min/);
    const rules = (await (await fetch(`${seeded.central.url}/api/sampling/rules`)).json()) as { rules: Array<{ name: string }> };
    assert.ok(rules.rules.some((rule) => rule.name === 'debug-header'), 'central has it');
    // A bad value: central's message, naming the field, under the form.
    await form.locator('input[name="name"]').fill('bad rate');
    await form.locator('input[name="rate"]').fill('7');
    await form.getByRole('button', { name: 'Add' }).click();
    assert.match((await page.getByRole('alert').textContent())!, /name|rate/);
    await screenshot(page, 'sampling');
    await added.getByRole('button', { name: 'Delete' }).click();
    await added.waitFor({ state: 'detached' });
  });

  test('propagation: an intact window says so; the theme switch sticks across pages', async () => {
    const { page } = await openPage(browser);
    await page.goto(`${seeded.central.url}/propagation`);
    await page.locator('[data-propagation="intact"]').waitFor();
    await page.getByRole('button', { name: /Dark theme/ }).click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    await page.goto(`${seeded.central.url}/accounts`);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark', 'remembered');
    await page.locator('tr[data-account-id]').first().waitFor();
    await screenshot(page, 'accounts-dark');
  });
});

test('the console asks for the read token when central wants one, and works once given', { timeout: 60_000 }, async () => {
  const central = await startTestCentral({ adminToken: 'admin-token-0123456789abcdef', readToken: 'read-token-0123456789abcdef' });
  const browser = await launchBrowser();
  try {
    const { page } = await openPage(browser);
    await page.goto(`${central.url}/accounts`);
    const prompt = page.getByPlaceholder('read token');
    await prompt.waitFor();
    await prompt.fill('read-token-0123456789abcdef');
    await page.getByRole('button', { name: 'Open the console' }).click();
    await page.getByText('No account yet').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('stitch.token')), 'read-token-0123456789abcdef', 'kept for this tab only');
  } finally {
    await browser.close();
    await central.stop();
  }
});
