import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { TraceJson } from '@stitch/api';
import { launchBrowser, openPage, screenshot } from './console/browser.ts';
import { largeTrace, postSpans, repeatedCallsTrace } from './console/large-trace.ts';
import { measureWaterfallTimings } from './console/measure-waterfall.ts';
import { startSeededCentral, type SeededCentral } from './console/seeded-central.ts';

/** What Chromium logs for an API answer the page expected to fail (the 404 and 400 tests). */
const EXPECTED_HTTP_FAILURE = /Failed to load resource: the server responded with a status of (400|404)/;
const BIG_SPAN_COUNT = 10_000;
const REPEATED_CALLS = 3_200;

describe('console: the trace view', () => {
  let seeded: SeededCentral;
  let browser: Browser;
  let slow: TraceJson;
  let big: TraceJson;
  let repeated: TraceJson;
  const pages: Array<{ page: Page; errors: string[] }> = [];

  before(async () => {
    [seeded, browser] = await Promise.all([startSeededCentral({ traces: 60 }), launchBrowser()]);
    const spans = largeTrace(BIG_SPAN_COUNT);
    const calls = repeatedCallsTrace(REPEATED_CALLS);
    await postSpans(seeded.central.url, [...spans, ...calls]);
    [slow, big, repeated] = await Promise.all([getTrace(seeded.slowTraceIds[0]!), getTrace(spans[0]!.traceId), getTrace(calls[0]!.traceId)]);
    assert.equal(big.spans.length, BIG_SPAN_COUNT);
  });
  after(async () => {
    await browser?.close();
    await seeded?.stop();
  });

  async function getTrace(traceId: string): Promise<TraceJson> {
    const response = await fetch(`${seeded.central.url}/api/traces/${traceId}`);
    assert.equal(response.status, 200);
    return (await response.json()) as TraceJson;
  }
  async function open(path: string, options: { dark?: boolean } = {}): Promise<Page> {
    const opened = await openPage(browser);
    pages.push(opened);
    if (options.dark) await opened.page.emulateMedia({ colorScheme: 'dark' });
    await opened.page.goto(`${seeded.central.url}${path}`);
    return opened.page;
  }
  function assertNoPageErrors(page: Page, allow: RegExp | null = null): void {
    const errors = pages.find((opened) => opened.page === page)!.errors.filter((error) => !allow?.test(error));
    assert.deepEqual(errors, []);
  }
  const spanOf = (trace: TraceJson, service: string, name: string) => trace.spans.find((span) => span.resource.serviceName === service && span.name === name)!;
  const row = (page: Page, spanId: string) => page.locator(`.wf-row[data-span-id="${spanId}"]`);
  const selectedSpanId = (page: Page) => new URL(page.url()).searchParams.get('span');
  async function waitForSelected(page: Page, spanId: string): Promise<void> {
    await page.waitForFunction((id) => new URL(window.location.href).searchParams.get('span') === id, spanId);
    await row(page, spanId).and(page.locator('[aria-selected="true"]')).waitFor();
  }

  test('a slow trace shows at once that payments › Stripe API call held it', async () => {
    const page = await open(`/trace/${slow.traceId}`);
    const stripe = spanOf(slow, 'payments', 'Stripe API call');
    const first = page.locator('.critical-entry').first();
    await first.waitFor();
    assert.match(await first.locator('.critical-name').innerText(), /^payments › Stripe API call$/);
    const share = Number((await first.locator('.critical-share').innerText()).replace(/[^\d]/g, ''));
    assert.ok(share >= 80, `share ${share} %`);
    assert.match(await first.locator('.critical-time').innerText(), /^8\.\d s$/);
    assert.equal(await page.locator('.trace-facts [data-fact="spans"]').innerText(), String(slow.spans.length));

    const stripeRow = row(page, stripe.spanId);
    assert.equal(await stripeRow.getAttribute('data-critical'), 'true');
    assert.match((await stripeRow.getAttribute('class'))!, /\bhot\b/, 'the row is highlighted');
    const [bar, critical] = await Promise.all([stripeRow.locator('.wf-bar').boundingBox(), stripeRow.locator('.wf-critical').first().boundingBox()]);
    assert.ok(bar && critical && critical.width >= bar.width * 0.95, 'its whole bar is on the critical path');
    assert.ok(bar.width > 400, `the bar spans most of the lane (${bar.width}px)`);

    // The summary selects the span it names.
    await first.click();
    await waitForSelected(page, stripe.spanId);
    // What the span recorded is fetched once it is opened.
    await page.locator('.span-details .attribute-table').first().waitFor();
    assert.match(await page.locator('.span-details [data-fact="status"]').innerText(), /^(unset|ok|error)/);
    await screenshot(page, 'trace-slow');
    assertNoPageErrors(page);
  });

  test('clicking a row selects it and shows its details; parent and children select those spans', async () => {
    const page = await open(`/trace/${slow.traceId}`);
    const stripe = spanOf(slow, 'payments', 'Stripe API call');
    await row(page, stripe.spanId).click();
    await waitForSelected(page, stripe.spanId);
    const details = page.locator('.span-details');
    assert.equal(await details.getAttribute('data-span-id'), stripe.spanId);
    assert.equal(await details.locator('h2').innerText(), 'Stripe API call');
    assert.match(await details.locator('[data-fact="account"]').innerText(), /payments \(444444444444\)/);
    assert.match(await details.locator('[data-fact="critical"]').innerText(), /^8\.\d s — \d+ % of the trace$/);
    const attributes = await details.locator('.attribute-table').first().innerText();
    for (const key of Object.keys(stripe.attributes)) assert.match(attributes, new RegExp(key.replace('.', '\\.')));

    const charges = slow.spans.find((span) => span.spanId === stripe.parentSpanId)!;
    await details.locator('[data-nav="parent"]').click();
    await waitForSelected(page, charges.spanId);
    assert.equal(await details.locator('h2').innerText(), charges.name);
    await details.locator('[data-nav="child"]', { hasText: 'Stripe API call' }).click();
    await waitForSelected(page, stripe.spanId);
    assertNoPageErrors(page);
  });

  test('the keyboard walks the tree: ↓↓ next rows, ← collapses then goes to the parent, → goes to the child then expands', async () => {
    const page = await open(`/trace/${slow.traceId}`);
    const [root, second, third, fourth] = slow.spans;
    const hiddenBelowThird = slow.spans.find((span) => span.name === 'Stripe API call')!;
    await row(page, root!.spanId).click();
    await waitForSelected(page, root!.spanId);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await waitForSelected(page, third!.spanId);

    await page.keyboard.press('ArrowLeft');
    await row(page, hiddenBelowThird.spanId).waitFor({ state: 'detached' });
    assert.equal(await row(page, third!.spanId).getAttribute('aria-expanded'), 'false');
    assert.equal(selectedSpanId(page), third!.spanId);
    await page.keyboard.press('ArrowLeft');
    await waitForSelected(page, second!.spanId);

    await page.keyboard.press('ArrowRight');
    await waitForSelected(page, third!.spanId);
    await page.keyboard.press('ArrowRight');
    await row(page, hiddenBelowThird.spanId).waitFor();
    assert.equal(selectedSpanId(page), third!.spanId);
    await page.keyboard.press('ArrowRight');
    await waitForSelected(page, fourth!.spanId);

    // Enter hides and shows the details; End and Home reach the last and first rows.
    await page.keyboard.press('Enter');
    await page.locator('.span-details').waitFor({ state: 'detached' });
    await page.keyboard.press('Enter');
    await page.locator('.span-details').waitFor();
    await page.keyboard.press('End');
    await waitForSelected(page, slow.spans.at(-1)!.spanId);
    await page.keyboard.press('Home');
    await waitForSelected(page, root!.spanId);
    assertNoPageErrors(page);
  });

  test('a subtree collapses and expands by its caret; collapse all and expand all', async () => {
    const page = await open(`/trace/${slow.traceId}`);
    const orchestrator = slow.spans[2]!;
    const stripe = spanOf(slow, 'payments', 'Stripe API call');
    await row(page, stripe.spanId).waitFor();
    assert.equal(await page.locator('.wf-row').count(), slow.spans.length);

    await row(page, orchestrator.spanId).locator('.wf-caret').click();
    await row(page, stripe.spanId).waitFor({ state: 'detached' });
    assert.equal(await page.locator('.wf-row').count(), 3, 'only the root, the edge call and the collapsed orchestrator');
    await row(page, orchestrator.spanId).locator('.wf-caret').click();
    await row(page, stripe.spanId).waitFor();

    await page.getByRole('button', { name: 'Collapse all' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.wf-row').length === 1);
    // Selecting a hidden span (here from the critical-path summary) opens the way to it.
    await page.locator('.critical-entry').first().click();
    await waitForSelected(page, stripe.spanId);
    assert.equal(await row(page, orchestrator.spanId).getAttribute('aria-expanded'), 'true');
    await page.getByRole('button', { name: 'Expand all' }).click();
    await page.waitForFunction((count) => document.querySelectorAll('.wf-row').length === count, slow.spans.length);
    assertNoPageErrors(page);
  });

  test('an unknown trace says "trace not found" with the API\'s message; a malformed id says why', async () => {
    const page = await open('/trace/0123456789abcdef0123456789abcdef');
    await page.locator('.trace-failed').waitFor();
    assert.equal(await page.locator('.trace-failed h1').innerText(), 'Trace not found');
    assert.match(await page.locator('.trace-failed .error').innerText(), /trace 0123456789abcdef0123456789abcdef not found/);
    await page.goto(`${seeded.central.url}/trace/not-a-trace`);
    await page.locator('.trace-failed[data-status="400"]').waitFor();
    assert.match(await page.locator('.trace-failed .error').innerText(), /traceId: "not-a-trace" is not a trace id/);
    assertNoPageErrors(page, EXPECTED_HTTP_FAILURE);
  });

  test('a 10,000-span trace is virtualised: few rows in the DOM, the last one reached by scrolling and by End', async (t: TestContext) => {
    const measuring = await openPage(browser);
    pages.push(measuring);
    const timings = await measureWaterfallTimings(measuring.page, `${seeded.central.url}/trace/${big.traceId}`);
    t.diagnostic(`10,000-span waterfall painted ${timings.fromApiAnswerMs.toFixed(0)} ms after the API answer arrived (${timings.fromNavigationMs.toFixed(0)} ms after navigation start)`);
    assertNoPageErrors(measuring.page);

    const page = await open(`/trace/${big.traceId}`);
    const last = big.spans.at(-1)!;
    await row(page, big.spans[0]!.spanId).waitFor();
    assert.equal(await page.locator('.trace-facts [data-fact="spans"]').innerText(), '10,000');
    const rendered = await page.locator('.wf-row').count();
    assert.ok(rendered > 20 && rendered < 150, `${rendered} row elements`);

    await page.locator('.waterfall-scroll').evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
    await row(page, last.spanId).waitFor();
    assert.ok(await isInView(page, last.spanId), 'the last span shows at the bottom');
    assert.ok((await page.locator('.wf-row').count()) < 150);

    await page.locator('.waterfall-scroll').evaluate((element) => element.scrollTo({ top: 0 }));
    await row(page, big.spans[0]!.spanId).click();
    await page.keyboard.press('End');
    await waitForSelected(page, last.spanId);
    assert.ok(await isInView(page, last.spanId), 'End scrolls the last span into view');
    await screenshot(page, 'trace-10k');
    assertNoPageErrors(page);
  });

  test('the name column widens by dragging its edge, moves by the arrow keys, is remembered, and Home restores it', async () => {
    const page = await open(`/trace/${slow.traceId}`);
    const handle = page.locator('.name-column-handle');
    await handle.waitFor();
    const nameWidth = async () => (await page.locator('.wf-row .wf-tree').first().boundingBox())!.width;
    const titleWidth = async () => (await page.locator('.time-axis-title').boundingBox())!.width;
    const initial = await nameWidth();
    const grip = (await handle.boundingBox())!;
    await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
    await page.mouse.down();
    await page.mouse.move(grip.x + grip.width / 2 + 200, grip.y + grip.height / 2, { steps: 6 });
    await page.mouse.up();
    const dragged = await nameWidth();
    assert.ok(Math.abs(dragged - initial - 200) <= 2, `dragged 200 px: ${initial} -> ${dragged}`);
    assert.ok(Math.abs((await titleWidth()) - dragged) <= 1, 'the time axis stays lined up with the rows');

    await handle.focus();
    await page.keyboard.press('ArrowLeft');
    assert.ok(Math.abs((await nameWidth()) - (dragged - 24)) <= 1);
    await page.reload();
    await handle.waitFor();
    assert.ok(Math.abs((await nameWidth()) - (dragged - 24)) <= 1, 'remembered across visits');
    await handle.focus();
    await page.keyboard.press('Home');
    assert.ok(Math.abs((await nameWidth()) - initial) <= 1, 'Home gives the default back');
    assertNoPageErrors(page);
  });

  test('3,200 calls of GET /item under one parent are one row, with their percentiles and errors, until unfolded', async () => {
    const page = await open(`/trace/${repeated.traceId}`);
    const folded = page.locator('.wf-row[data-fold]');
    await folded.waitFor();
    assert.equal(await folded.getAttribute('data-fold'), '3200');
    const text = await folded.innerText();
    assert.match(text, /× 3,200/);
    assert.match(text, /cart\s+GET \/item/);
    const durations = repeated.spans.filter((span) => span.name === 'GET /item' && span.kind === 'client').map((span) => Number(span.durationNanos) / 1e6).sort((a, b) => a - b);
    const nearestRank = (share: number) => durations[Math.ceil(share * durations.length) - 1]!;
    assert.match(text, new RegExp(`p50 ${nearestRank(0.5)} ms, p99 ${nearestRank(0.99)} ms, 1 error`));
    assert.equal(await page.locator('.wf-row').count(), 2, 'the parent and the group');
    // Where the time went: the calls, all of them, not one 40 ms call at <1 %.
    assert.match(await page.locator('.critical-entry .critical-name').first().innerText(), /^× 3,200 inventory › GET \/item$/);
    assert.ok(Number((await page.locator('.critical-entry .critical-share').first().innerText()).replace(/[^\d]/g, '')) >= 90);
    await screenshot(page, 'trace-folded');

    await folded.locator('.wf-caret').click();
    await page.locator('.wf-row[data-fold]').waitFor({ state: 'detached' });
    assert.ok((await page.locator('.wf-row').count()) > 20, 'unfolded, the calls show');
    const chip = page.locator('.wf-fold-count');
    assert.match(await chip.innerText(), /× 3,200/);
    await chip.click();
    await folded.waitFor();

    // A span inside the group, opened by a link, unfolds it.
    const member = repeated.spans.filter((span) => span.name === 'GET /item' && span.kind === 'server')[2_000]!;
    const linked = await open(`/trace/${repeated.traceId}?span=${member.spanId}`);
    await row(linked, member.spanId).and(linked.locator('[aria-selected="true"]')).waitFor();
    assert.ok(await isInView(linked, member.spanId));
    assertNoPageErrors(page);
    assertNoPageErrors(linked);
  });

  test('find in the trace: a status message inside a fold is found by central, Enter jumps to it and unfolds the group', async () => {
    const page = await open(`/trace/${repeated.traceId}`);
    await page.locator('.wf-row[data-fold]').waitFor();
    const failed = repeated.spans.find((span) => span.status.message === 'item lookup failed')!;
    const find = page.locator('.trace-find input');
    await find.fill('LOOKUP FAILED');
    await page.locator('.trace-find-status', { hasText: /^1$/ }).waitFor();
    await find.press('Enter');
    await waitForSelected(page, failed.spanId);
    assert.ok(await isInView(page, failed.spanId), 'the match is scrolled into view');
    assert.match((await row(page, failed.spanId).getAttribute('class'))!, /\bis-match\b/);
    assert.equal(await page.locator('.trace-find-status').innerText(), '1 of 1');
    assert.equal(await page.locator('.wf-row[data-fold]').count(), 0, 'the group it was in is unfolded');
    await page.locator('.span-details .attribute-table').first().waitFor();
    await screenshot(page, 'trace-find');

    // Names match at once; Shift+Enter goes back, wrapping around.
    await find.fill('inventory');
    await page.locator('.trace-find-status', { hasText: /3,200/ }).waitFor();
    await find.press('Shift+Enter');
    const servers = repeated.spans.filter((span) => span.resource.serviceName === 'inventory');
    assert.ok(servers.some((span) => span.spanId === selectedSpanId(page)), 'an inventory span is selected');
    await find.press('Escape');
    await page.locator('.wf-row.is-match').first().waitFor({ state: 'detached' });
    assert.equal(await find.inputValue(), '');
    assertNoPageErrors(page);
  });

  test('the flame graph draws the spans by time and depth; a click selects one, a double-click zooms to it', async () => {
    const page = await open(`/trace/${slow.traceId}`);
    await page.locator('.view-switch button', { hasText: 'Flame graph' }).click();
    const canvas = page.locator('.flame-graph canvas');
    await canvas.waitFor();
    const box = (await canvas.boundingBox())!;
    const deepest = Math.max(...slow.spans.map((span) => span.depth));
    assert.equal(box.height, (deepest + 1) * 20, 'a row per depth');
    const startOf = (span: (typeof slow.spans)[number]) => Number(BigInt(span.startTimeUnixNano) - BigInt(slow.summary.startTimeUnixNano));
    const total = Math.max(...slow.spans.map((span) => startOf(span) + Number(span.durationNanos)));
    const stripe = spanOf(slow, 'payments', 'Stripe API call');
    const x = box.x + ((startOf(stripe) + Number(stripe.durationNanos) / 2) / total) * box.width;
    const y = box.y + stripe.depth * 20 + 10;
    // Drawn in payments' colour where the span is (the header's dot for the account has it).
    const [pixel, dot] = await page.evaluate(
      ([px, py, account]) => {
        const element = document.querySelector<HTMLCanvasElement>('.flame-graph canvas')!;
        const rect = element.getBoundingClientRect();
        const ratio = element.width / rect.width;
        const data = element.getContext('2d')!.getImageData(Math.round((px - rect.left) * ratio), Math.round((py - rect.top) * ratio), 1, 1).data;
        const swatch = document.querySelector(`.trace-accounts [title="${account}"] .account-dot`)!;
        return [`rgb(${data[0]}, ${data[1]}, ${data[2]})`, getComputedStyle(swatch).backgroundColor];
      },
      [x, y, stripe.account.id] as const,
    );
    assert.equal(pixel, dot);
    await page.mouse.click(x, y);
    await page.locator(`.span-details[data-span-id="${stripe.spanId}"] .attribute-table`).first().waitFor();
    assert.equal(selectedSpanId(page), stripe.spanId);
    await screenshot(page, 'trace-flame');
    // A 38 ms span of an 8.7 s trace, zoomed to: it then fills most of the width.
    const quotes = spanOf(slow, 'pricing', 'POST /quotes');
    await page.mouse.dblclick(box.x + ((startOf(quotes) + Number(quotes.durationNanos) / 2) / total) * box.width, box.y + quotes.depth * 20 + 10);
    await page.locator('.flame-reset').waitFor();
    const firstTick = await page.locator('.flame-axis .time-tick').first().innerText();
    assert.match(firstTick, /ms$/, `the axis reads in milliseconds now (${firstTick})`);
    await page.locator('.flame-reset').click();
    await page.locator('.flame-reset').waitFor({ state: 'detached' });
    assertNoPageErrors(page);
  });

  test('a deep link opens with its span selected and scrolled into view', async () => {
    const target = big.spans[7_345]!;
    const page = await open(`/trace/${big.traceId}?span=${target.spanId}`);
    await row(page, target.spanId).and(page.locator('[aria-selected="true"]')).waitFor();
    assert.ok(await isInView(page, target.spanId));
    assert.equal(await page.locator('.span-details').getAttribute('data-span-id'), target.spanId);
    assertNoPageErrors(page);
  });

  test('the dark theme', async () => {
    const stripe = spanOf(slow, 'payments', 'Stripe API call');
    const page = await open(`/trace/${slow.traceId}?span=${stripe.spanId}`, { dark: true });
    await page.locator('.span-details').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    assert.equal(await page.locator('.waterfall').evaluate((element) => getComputedStyle(element).backgroundColor), 'rgb(26, 31, 39)');
    await screenshot(page, 'trace-dark');
    assertNoPageErrors(page);
  });
});

/** Whether the span's row lies wholly inside the waterfall's scrolled viewport. */
async function isInView(page: Page, spanId: string): Promise<boolean> {
  return page.evaluate((id) => {
    const scroller = document.querySelector('.waterfall-scroll')!.getBoundingClientRect();
    const rowBox = document.querySelector(`.wf-row[data-span-id="${id}"]`)?.getBoundingClientRect();
    return rowBox !== undefined && rowBox.top >= scroller.top - 0.5 && rowBox.bottom <= scroller.bottom + 0.5;
  }, spanId);
}
