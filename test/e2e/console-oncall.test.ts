import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openPage, screenshot } from './console/browser.ts';
import { startSeededCentral } from './console/seeded-central.ts';

// The seed's workflow, as the on-call does it, in real Chromium: open the map, click checkout,
// keep the traces slower than 8 s, open one, and see at once that payments' "Stripe API call"
// holds the time. Screenshots of each step are kept in test-results/console/.
test('on call: map → checkout → duration > 8 s → a trace → its critical path is payments › Stripe API call', { timeout: 90_000 }, async () => {
  const [seeded, browser] = await Promise.all([startSeededCentral(), launchBrowser()]);
  try {
    const { page, errors } = await openPage(browser);
    await page.goto(`${seeded.central.url}/`);
    await page.waitForURL(/\/map/);
    const checkout = page.locator('[data-node-id]', { hasText: 'checkout-orchestrator' });
    await checkout.waitFor();
    await screenshot(page, 'oncall-1-map');

    await checkout.click();
    await page.waitForURL(/\/search\?/);
    await page.locator('tr[data-trace-id]').first().waitFor();
    const filter = page.getByLabel('filter expression');
    const nodeQuery = await filter.inputValue();
    assert.match(nodeQuery, /checkout-orchestrator/, 'the node\'s own filter');
    await filter.fill(`${nodeQuery} AND duration > 8`);
    await filter.press('Enter');
    await page.waitForURL(/duration/);
    await page.waitForFunction((count) => document.querySelectorAll('tr[data-trace-id]').length === count, seeded.slowTraceIds.length);
    await screenshot(page, 'oncall-2-slow-checkouts');

    await page.locator('tr[data-trace-id]').first().locator('a').first().click();
    await page.waitForURL(/\/trace\/[0-9a-f]{32}/);
    const traceId = page.url().match(/\/trace\/([0-9a-f]{32})/)![1]!;
    assert.ok(seeded.slowTraceIds.includes(traceId), 'one of the slow checkouts');
    const criticalPath = page.getByRole('region', { name: 'Critical path' });
    await criticalPath.waitFor();
    const first = criticalPath.locator('.critical-entry').first();
    assert.match((await first.textContent())!, /payments › Stripe API call\s*8\.\d s\s*9\d %/);
    const stripeRow = page.locator(`.wf-row[data-span-id="${await first.getAttribute('data-span-id')}"]`);
    assert.equal(await stripeRow.getAttribute('data-critical'), 'true', 'the Stripe span is drawn on the critical path');
    await screenshot(page, 'oncall-3-trace');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await seeded.stop();
  }
});
