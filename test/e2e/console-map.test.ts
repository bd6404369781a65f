import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { formatDuration } from '@stitch/graph';
import type { ServiceMapJson } from '@stitch/api';
import { launchBrowser, openPage, screenshot } from './console/browser.ts';
import { measureMapFirstPaint, smallestMapText } from './console/measure-map.ts';
import { startSeededCentral, type SeededCentral } from './console/seeded-central.ts';

const ORCHESTRATOR = 'service|222222222222|checkout-orchestrator';
const PAYMENTS = 'service|444444444444|payments';
const STRIPE = 'http||api.stripe.com';
// A topic is in the account of the service that publishes to it.
const TOPIC = 'queue|222222222222|order-events';
const ACCOUNT_LABELS = ['edge', 'checkout', 'catalog', 'payments', 'notifications'];

const node = (page: Page, id: string) => page.locator(`[data-node-id="${id}"]`);
const edge = (page: Page, from: string, to: string) => page.locator(`[data-from="${from}"][data-to="${to}"]`);

describe('the console: the service map in Chromium', () => {
  let seeded: SeededCentral;
  let browser: Browser;
  let map: ServiceMapJson;
  const pageErrors: string[] = [];

  before(async () => {
    [seeded, browser] = await Promise.all([startSeededCentral(), launchBrowser()]);
    map = (await (await fetch(`${seeded.central.url}/api/service-map`)).json()) as ServiceMapJson;
  });
  after(async () => {
    await browser?.close();
    await seeded?.stop();
  });

  /** Zooms in until the nodes show their figures (1:1 or closer). */
  async function zoomToFigures(page: Page): Promise<void> {
    for (let i = 0; i < 10 && (await page.locator('svg[data-detail="names"]').count()) > 0; i++) await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.locator('svg[data-detail="figures"]').waitFor();
  }

  async function openMap(path = '/map'): Promise<Page> {
    const { page, errors } = await openPage(browser);
    page.on('close', () => pageErrors.push(...errors));
    await page.goto(`${seeded.central.url}${path}`);
    await page.locator('svg[data-node-count] [data-node-id]').first().waitFor();
    return page;
  }

  test('every service and peer is drawn, grouped in labelled account boxes, with health and figures', async () => {
    assert.equal(map.nodes.length, 11, 'the seeded map');
    const page = await openMap();
    const svg = page.locator('svg[data-node-count]');
    const drawnNodes = await page.locator('[data-node-id]').evaluateAll((elements) => elements.map((e) => e.getAttribute('data-node-id')));
    assert.deepEqual(new Set(drawnNodes), new Set(map.nodes.map((n) => n.id)));
    const drawnEdges = await page.locator('[data-edge]').evaluateAll((elements) => elements.map((e) => `${e.getAttribute('data-from')} ${e.getAttribute('data-to')}`));
    assert.deepEqual(new Set(drawnEdges), new Set(map.edges.map((e) => `${e.from} ${e.to}`)));

    // Fitted on load: the whole map is in view.
    const view = (await svg.boundingBox())!;
    for (const { id } of map.nodes) {
      const box = (await node(page, id).boundingBox())!;
      assert.ok(box.x >= view.x && box.y >= view.y && box.x + box.width <= view.x + view.width && box.y + box.height <= view.y + view.height, `${id} is in view`);
    }

    // Each account's services sit inside a box labelled with the account.
    const labels = await page.locator('.map-cluster-label').allTextContents();
    for (const label of ACCOUNT_LABELS) assert.ok(labels.some((text) => text.startsWith(label)), `an account box labelled ${label}`);
    for (const service of map.nodes.filter((n) => n.inferred === null)) {
      const cluster = (await page.locator(`.map-cluster[data-account="${service.account}"] rect`).boundingBox())!;
      const box = (await node(page, service.id).boundingBox())!;
      assert.ok(box.x > cluster.x && box.y > cluster.y && box.x + box.width < cluster.x + cluster.width && box.y + box.height < cluster.y + cluster.height, `${service.id} inside its account box`);
    }

    // Every account its own colour (assigned in link order, not hashed: two of five shared one).
    const colours = await page.locator('.map-cluster-box').evaluateAll((boxes) => boxes.map((box) => getComputedStyle(box).stroke));
    assert.equal(new Set(colours).size, colours.length, `distinct account colours: ${colours.join(', ')}`);

    // Readable at Fit: no text under 11 px on screen (zoomed out, a node shows its name and health).
    const sizes = await smallestMapText(page);
    // 0.01 px of slack for the float arithmetic of font size times scale.
    assert.ok(sizes.smallestPx >= 10.99, `text at Fit is ${sizes.smallestPx.toFixed(1)} px at the smallest (${sizes.text})`);

    // The figures from 1:1 on.
    await zoomToFigures(page);
    assert.ok((await smallestMapText(page)).smallestPx >= 10.99, 'zoomed in, the figures are 11 px or more too');

    // Inferred peers: marked with their kind, a dashed ring, outside every account box.
    for (const [id, kind] of [[STRIPE, 'http'], [TOPIC, 'queue'], ['database|777777777777|orders', 'database']] as const) {
      assert.equal(await node(page, id).getAttribute('data-inferred'), kind);
      assert.equal((await node(page, id).locator('.map-node-kind').textContent())?.toLowerCase(), kind);
      assert.notEqual(await cssOf(node(page, id).locator('.map-node-ring'), 'stroke-dasharray'), 'none', `${id} has a dashed ring`);
    }
    assert.equal(await cssOf(node(page, PAYMENTS).locator('.map-node-ring'), 'stroke-dasharray'), 'none', 'an instrumented service has a solid ring');

    // Async hops dashed, sync calls solid.
    assert.notEqual(await cssOf(edge(page, ORCHESTRATOR, TOPIC).locator('.map-edge-line'), 'stroke-dasharray'), 'none');
    assert.equal(await edge(page, ORCHESTRATOR, TOPIC).getAttribute('data-connection'), 'async');
    assert.equal(await cssOf(edge(page, ORCHESTRATOR, PAYMENTS).locator('.map-edge-line'), 'stroke-dasharray'), 'none');

    // Health in colour: the ring and the line take the theme's colour for their health.
    const green = await colourOf(page, 'var(--green)');
    const payments = map.nodes.find((n) => n.id === PAYMENTS)!;
    assert.equal(payments.stats.health, 'green');
    assert.equal(await cssOf(node(page, PAYMENTS).locator('.map-node-ring'), 'stroke'), green);
    assert.equal(await cssOf(edge(page, ORCHESTRATOR, PAYMENTS).locator('.map-edge-line'), 'stroke'), green);

    // Badges: req/s, error share, p50/p95/p99; edge labels: calls/s and p99.
    const orchestrator = map.nodes.find((n) => n.id === ORCHESTRATOR)!;
    const text = (await node(page, ORCHESTRATOR).locator('text').allTextContents()).join(' ');
    assert.match(text, /\d+(\.\d+)? req\/s/);
    assert.match(text, /0% err/);
    assert.ok(text.includes(`p99 ${formatDuration(BigInt(orchestrator.stats.p99Nanos!))}`), `p99 in ${text}`);
    assert.ok(text.includes(`p50 ${formatDuration(BigInt(orchestrator.stats.p50Nanos!))}`), `p50 in ${text}`);
    const stripeCall = map.edges.find((e) => e.from === PAYMENTS && e.to === STRIPE)!;
    assert.match((await edge(page, PAYMENTS, STRIPE).locator('.map-edge-label').textContent())!, new RegExp(`/s · p99 ${formatDuration(BigInt(stripeCall.stats.p99Nanos!))}`));
    assert.ok(await page.getByLabel('Legend', { exact: true }).isVisible());
    await screenshot(page, 'map-light');
    await page.close();
  });

  test('a range change goes into the URL and fetches that window; the account filter narrows the map', async () => {
    const page = await openMap();
    const [request] = await Promise.all([page.waitForRequest((r) => r.url().includes('/api/service-map')), page.getByRole('button', { name: '1h', exact: true }).click()]);
    const asked = new URL(request.url()).searchParams;
    assert.equal(Number(asked.get('end')) - Number(asked.get('start')), 3_600_000);
    assert.equal(new URL(page.url()).searchParams.get('range'), '1h');
    await request.response();
    await page.getByRole('button', { name: '1h', pressed: true }).waitFor();
    assert.equal(await page.locator('[data-node-id]').count(), 11);

    const [filtered] = await Promise.all([page.waitForRequest((r) => r.url().includes('account=444444444444')), page.getByLabel('Account', { exact: true }).selectOption('444444444444')]);
    await filtered.response();
    await page.waitForURL(/account=444444444444/);
    assert.equal(new URL(page.url()).searchParams.get('range'), '1h', 'the range stays');
    await node(page, 'service|555555555555|email').waitFor({ state: 'detached' });
    assert.ok(await node(page, PAYMENTS).isVisible());
    assert.ok(await node(page, STRIPE).isVisible(), 'with its neighbours');
    await page.close();
  });

  test('hovering a node brings its edges forward; dragging pans, the wheel zooms, Fit restores', async () => {
    const page = await openMap();
    await node(page, PAYMENTS).hover();
    assert.match((await edge(page, PAYMENTS, STRIPE).getAttribute('class'))!, /\bactive\b/);
    assert.match((await edge(page, ORCHESTRATOR, TOPIC).getAttribute('class'))!, /\bfaded\b/);

    const svg = page.locator('svg[data-node-count]');
    const fitted = await svg.getAttribute('viewBox');
    const area = (await svg.boundingBox())!;
    await page.mouse.move(area.x + 30, area.y + area.height / 2);
    await page.mouse.down();
    await page.mouse.move(area.x + 230, area.y + area.height / 2 + 40, { steps: 5 });
    await page.mouse.up();
    assert.notEqual(await svg.getAttribute('viewBox'), fitted, 'dragged');
    assert.match(page.url(), /\/map$/, 'a drag is not a click');
    const panned = (await svg.getAttribute('viewBox'))!.split(' ').map(Number);
    await page.mouse.wheel(0, -400);
    await page.waitForFunction((before) => document.querySelector('svg[data-node-count]')!.getAttribute('viewBox') !== before, panned.join(' '));
    const zoomed = (await svg.getAttribute('viewBox'))!.split(' ').map(Number);
    assert.ok(zoomed[2]! < panned[2]!, 'zoomed in');
    await page.getByRole('button', { name: 'Fit' }).click();
    assert.equal(await svg.getAttribute('viewBox'), fitted);
    await page.close();
  });

  test('a window up to now loads again every 30 s, keeping the zoom; Pause stops it; a fixed window never does', async () => {
    const { page, errors } = await openPage(browser);
    page.on('close', () => pageErrors.push(...errors));
    await page.clock.install();
    await page.goto(`${seeded.central.url}/map`);
    await page.locator('svg[data-node-count] [data-node-id]').first().waitFor();
    const svg = page.locator('svg[data-node-count]');
    await page.getByRole('button', { name: 'Zoom in' }).click();
    const zoomed = await svg.getAttribute('viewBox');

    const mapLoads: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/service-map')) mapLoads.push(request.url());
    });
    const answered = page.waitForResponse((response) => response.url().includes('/api/service-map'));
    await page.clock.runFor(30_000);
    await answered;
    assert.equal(mapLoads.length, 1, 'loaded again after 30 s');
    await page.locator('.map-page.refreshing').waitFor({ state: 'detached' });
    assert.equal(await svg.getAttribute('viewBox'), zoomed, 'the same map, the same view: nothing moved');

    const pause = page.locator('.map-auto-refresh');
    await pause.click();
    assert.equal(await pause.getAttribute('aria-pressed'), 'true');
    await page.clock.runFor(90_000);
    assert.equal(mapLoads.length, 1, 'paused: not loaded again');
    await pause.click();
    const resumed = page.waitForResponse((response) => response.url().includes('/api/service-map'));
    await page.clock.runFor(30_000);
    await resumed;
    assert.equal(mapLoads.length, 2, 'resumed');

    const now = Date.now();
    await page.goto(`${seeded.central.url}/map?start=${now - 3_600_000}&end=${now}`);
    await page.locator('svg[data-node-count] [data-node-id]').first().waitFor();
    assert.equal(await page.locator('.map-auto-refresh').count(), 0, 'a fixed window has nothing to refresh');
    await page.close();
  });

  test("an account's label folds its services into one node and back; calls to them become calls to it", async () => {
    const page = await openMap();
    const catalog = page.locator('.map-cluster[data-account="333333333333"] .map-cluster-label');
    const folded = 'account|333333333333';
    await catalog.click();
    await node(page, folded).waitFor();
    assert.equal(await node(page, 'service|333333333333|pricing').count(), 0);
    assert.match((await node(page, folded).textContent())!, /2 services/);
    assert.equal(await edge(page, ORCHESTRATOR, folded).count(), 1, "the orchestrator's calls to pricing and inventory are one edge");
    assert.equal(await catalog.getAttribute('aria-expanded'), 'false');
    assert.deepEqual(await page.locator('svg[data-node-count]').getAttribute('data-node-count'), String(map.nodes.length - 1));
    await screenshot(page, 'map-account-folded');
    await catalog.focus();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('class')), 'map-cluster-label', 'the label takes the keyboard focus');
    await page.keyboard.press('Enter');
    await node(page, 'service|333333333333|pricing').waitFor();
    assert.equal(await node(page, folded).count(), 0);
    await page.close();
  });

  test('a node opens its traces, an edge the traces through it, by click and by Enter', async () => {
    const page = await openMap('/map?range=1h');
    const orchestrator = (await (await fetch(`${seeded.central.url}/api/service-map?start=${Date.now() - 3_600_000}`)).json() as ServiceMapJson).nodes.find((n) => n.id === ORCHESTRATOR)!;
    await node(page, ORCHESTRATOR).click();
    await page.waitForURL(/\/search\?/);
    const search = new URL(page.url()).searchParams;
    assert.equal(search.get('q'), orchestrator.traces.q);
    assert.equal(search.get('account'), '222222222222');
    // The map's window: the hour asked for; its last minute, not settled yet, is counted up to central's now (a moment past the page's).
    const window = Number(search.get('end')) - Number(search.get('start'));
    assert.ok(window >= 3_600_000 && window <= 3_600_000 + 5_000, `the map window (${window} ms)`);

    await page.goBack();
    // At Fit the edge has no label (its figures would be under 11 px): the line itself takes the click.
    await edge(page, PAYMENTS, STRIPE).locator('.map-edge-hit').click();
    await page.waitForURL(/\/search\?/);
    const stripeCall = map.edges.find((e) => e.from === PAYMENTS && e.to === STRIPE)!;
    assert.equal(new URL(page.url()).searchParams.get('q'), stripeCall.traces.q);

    await page.goBack();
    await node(page, PAYMENTS).focus();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-node-id')), PAYMENTS, 'a node takes the keyboard focus');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\?/);
    assert.equal(new URL(page.url()).searchParams.get('q'), map.nodes.find((n) => n.id === PAYMENTS)!.traces.q);
    await page.close();
  });

  test('the dark theme keeps the map legible', async () => {
    const page = await openMap();
    await page.getByRole('button', { name: 'Dark theme' }).click();
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    assert.equal(await cssOf(node(page, PAYMENTS).locator('.map-node-name'), 'fill'), await colourOf(page, 'var(--text)'));
    assert.equal(await cssOf(node(page, PAYMENTS).locator('.map-node-ring'), 'stroke'), await colourOf(page, 'var(--green)'));
    await screenshot(page, 'map-dark');
    await page.getByRole('button', { name: 'Light theme' }).click();
    await page.close();
  });

  test('an empty window says so, a window central refuses shows its error, broken propagation shows above the map', async () => {
    const { page, errors } = await openPage(browser);
    page.on('close', () => pageErrors.push(...errors.filter((error) => !/status of 400/.test(error))));
    await page.goto(`${seeded.central.url}/map?start=1000000&end=2000000`);
    await page.getByText('No traffic in this window').waitFor();

    await page.goto(`${seeded.central.url}/map?start=yesterday`);
    assert.match((await page.locator('.error').textContent())!, /start/);

    // The seeded traces propagate cleanly: a finding is added to central's answer.
    const finding = { kind: 'context-dropped', from: 'checkout-orchestrator', to: 'inventory', fromNode: ORCHESTRATOR, toNode: 'service|333333333333|inventory', count: 4, exampleTraceIds: [], message: 'trace context dropped between checkout-orchestrator and inventory' };
    await page.route('**/api/service-map?*', (route) => route.fulfill({ json: { ...map, propagation: [finding] } }));
    await page.goto(`${seeded.central.url}/map?range=1h`);
    const strip = page.locator('[data-propagation-findings]');
    await strip.waitFor();
    assert.match((await strip.textContent())!, /trace context dropped between checkout-orchestrator and inventory/);
    assert.match((await strip.getByRole('link').getAttribute('href'))!, /^\/propagation\?start=\d+&end=\d+$/);
    await page.close();
  });

  test('first paint of the map (for the benchmark; no threshold here)', async (t) => {
    const { page, errors } = await openPage(browser);
    const ms = await measureMapFirstPaint(page, `${seeded.central.url}/map`);
    t.diagnostic(`map first paint: ${ms.toFixed(0)} ms from navigation start (${map.nodes.length} nodes, ${map.edges.length} edges)`);
    assert.ok(ms > 0);
    pageErrors.push(...errors);
    await page.close();
  });

  test('no page errors on the way', () => {
    assert.deepEqual(pageErrors, []);
  });
});

/** A computed style of the first element the locator finds. */
async function cssOf(locator: ReturnType<Page['locator']>, property: string): Promise<string> {
  return locator.first().evaluate((element, name) => getComputedStyle(element).getPropertyValue(name), property);
}

/** What a CSS colour (a theme variable) computes to in the page now, as `rgb(…)`. */
async function colourOf(page: Page, colour: string): Promise<string> {
  return page.evaluate((value) => {
    const probe = document.createElement('span');
    probe.style.color = value;
    document.body.append(probe);
    const computed = getComputedStyle(probe).color;
    probe.remove();
    return computed;
  }, colour);
}
