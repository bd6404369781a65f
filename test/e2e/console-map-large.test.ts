import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { ServiceMapJson } from '@stitch/api';
import { launchBrowser, openPage, screenshot } from './console/browser.ts';
import { generatedMapTraces } from './console/generated-map.ts';
import { smallestMapText } from './console/measure-map.ts';
import { startSeededCentral, type SeededCentral } from './console/seeded-central.ts';

const SERVICES = 40;

describe('the console: a generated 40-service map in Chromium', () => {
  let seeded: SeededCentral;
  let browser: Browser;

  before(async () => {
    [seeded, browser] = await Promise.all([startSeededCentral({ traces: 0, slowTraces: 0, extraTraces: generatedMapTraces(SERVICES, 20) }), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await seeded?.stop();
  });

  test('every service is drawn, at Fit no text is under 11 px, and nothing spills out of its account box', async () => {
    const map = (await (await fetch(`${seeded.central.url}/api/service-map`)).json()) as ServiceMapJson;
    assert.equal(map.nodes.filter((node) => node.inferred === null).length, SERVICES);
    const { page, errors } = await openPage(browser);
    await page.goto(`${seeded.central.url}/map`);
    await page.locator(`svg[data-node-count="${map.nodes.length}"] [data-node-id]`).first().waitFor();
    assert.equal(await page.locator('svg [data-node-id]').count(), map.nodes.length);

    const sizes = await smallestMapText(page);
    assert.ok(sizes.smallestPx >= 10.99, `text at Fit is ${sizes.smallestPx.toFixed(1)} px at the smallest (${sizes.text})`);
    // Each account's label within the map, not over another account's box.
    const spilled = await page.locator('svg[data-node-count]').evaluate((svg) => {
      const boxes = [...svg.querySelectorAll('.map-cluster-box')].map((box) => box.getBoundingClientRect());
      const labels = [...svg.querySelectorAll('.map-cluster-label')].map((label) => label.getBoundingClientRect());
      return labels.filter((label) => boxes.filter((box) => label.left < box.right && label.right > box.left && label.top < box.bottom && label.bottom > box.top).length > 1).length;
    });
    assert.equal(spilled, 0, 'no account name lies over two boxes');
    await screenshot(page, 'map-40-services');
    assert.deepEqual(errors, []);
  });
});
