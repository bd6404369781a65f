import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage, screenshot } from './console/browser.ts';
import { startSeededCentral, type SeededCentral } from './console/seeded-central.ts';

/** The coloured tokens the filter box draws under its input, as `text:class`. */
async function colouredTokens(page: Page): Promise<string[]> {
  return page.locator('.filter-highlight [class*="tok-"]').evaluateAll((spans) => spans.map((span) => `${span.textContent}:${[...span.classList].filter((name) => name !== 'tok-fault').join(' ').replace('tok-', '')}`));
}

async function optionLabels(page: Page): Promise<string[]> {
  return page.getByRole('option').locator('span.mono').allTextContents();
}

async function caretText(page: Page): Promise<string> {
  return page.getByLabel('filter expression').evaluate((input: HTMLInputElement) => `${input.value.slice(0, input.selectionStart ?? 0)}‸${input.value.slice(input.selectionStart ?? 0)}`);
}

describe('the console: the filter box colours and completes both dialects, in Chromium', () => {
  let seeded: SeededCentral;
  let browser: Browser;
  before(async () => {
    [seeded, browser] = await Promise.all([startSeededCentral({ traces: 40, slowTraces: 2 }), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await seeded?.stop();
  });

  test('as it is typed, each token is coloured by what it is; a mistake is underlined at its column', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${seeded.central.url}/search`);
    const input = page.getByRole('combobox', { name: 'filter expression' });
    await input.pressSequentially('{ resource.service.name = "payments" && duration > 50ms } >> { status = error }');
    await input.press('Escape');
    assert.deepEqual(await colouredTokens(page), [
      ...['{:punct', 'resource.:scope', 'service.name:attribute', '=:operator', '"payments":string', '&&:logic', 'duration:field', '>:operator', '50ms:number', '}:punct'],
      ...['>>:structural', '{:punct', 'status:field', '=:operator', 'error:keyword', '}:punct'],
    ]);
    assert.equal(await page.locator('.tok-fault').count(), 0, 'nothing underlined: it parses');
    await input.fill('{ .region != nil } | by(span:name) | count() > 1');
    assert.deepEqual(await colouredTokens(page), ['{:punct', '.:scope', 'region:attribute', '!=:operator', 'nil:keyword', '}:punct', '|:punct', 'by:function', '(:punct', 'span::scope', 'name:field', '):punct', '|:punct', 'count:function', '(:punct', '):punct', '>:operator', '1:number']);

    await input.fill('duration > 8 AND servce("payments") { fault }');
    assert.deepEqual(await page.locator('.tok-fault').allTextContents(), ['servce'], 'the unknown field, at column 18');
    assert.match((await page.getByRole('alert').textContent())!, /column 18: unknown field "servce"/, 'the caret message stays');
    assert.deepEqual((await colouredTokens(page)).slice(0, 4), ['duration:field', '>:operator', '8:number', 'AND:logic']);
    await screenshot(page, 'filter-highlight-fault');
    assert.deepEqual(errors, []);
  });

  test('completions from the grammar, taken with the keyboard; Enter without the list searches', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${seeded.central.url}/search`);
    const input = page.getByRole('combobox', { name: 'filter expression' });
    await input.pressSequentially('{ ');
    const list = page.getByRole('listbox', { name: 'completions' });
    await list.waitFor();
    assert.equal(await input.getAttribute('aria-expanded'), 'true');
    const first = await optionLabels(page);
    for (const label of ['span.', 'resource.', '.', 'name', 'status', 'kind', 'duration', 'span:name']) assert.ok(first.includes(label), `${label} is offered after {`);

    await input.pressSequentially('ki');
    assert.deepEqual((await optionLabels(page))[0], 'kind');
    await input.press('Tab');
    assert.equal(await caretText(page), '{ kind ‸');
    assert.deepEqual(await optionLabels(page), ['=', '!=', '=~', '!~'], 'the operators of a span kind');
    await input.press('Enter');
    assert.equal(await caretText(page), '{ kind = ‸');
    assert.deepEqual(await optionLabels(page), ['internal', 'server', 'client', 'producer', 'consumer']);
    await input.press('ArrowDown');
    const active = page.locator('[role="option"][aria-selected="true"]');
    assert.equal(await active.locator('span.mono').textContent(), 'server');
    assert.equal(await input.getAttribute('aria-activedescendant'), await active.getAttribute('id'), 'a screen reader hears the option moved to');
    await screenshot(page, 'filter-completions-kind');
    await input.press('Enter');
    assert.equal(await caretText(page), '{ kind = server‸');
    await input.pressSequentially(' }');
    await list.waitFor({ state: 'detached' });
    await input.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('q') === '{ kind = server }');
    await page.locator('tr[data-trace-id]').first().waitFor();
    assert.deepEqual(errors, []);
  });

  test('Escape closes the list, Ctrl+Space opens it again; a click takes an option', async () => {
    const { page } = await openPage(browser);
    await page.goto(`${seeded.central.url}/search`);
    const input = page.getByRole('combobox', { name: 'filter expression' });
    await input.pressSequentially('duration ');
    const list = page.getByRole('listbox', { name: 'completions' });
    await list.waitFor();
    await input.press('Escape');
    await list.waitFor({ state: 'detached' });
    assert.equal(await input.getAttribute('aria-expanded'), 'false');
    await input.press('Control+Space');
    await list.waitFor();
    await page.getByRole('option', { name: /^>=/ }).click();
    assert.equal(await caretText(page), 'duration >= ‸');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'filter expression', 'the input keeps the focus');
  });

  test('attribute names and values of the window come from the discovery API', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${seeded.central.url}/search`);
    const input = page.getByRole('combobox', { name: 'filter expression' });
    await input.pressSequentially('{ resource.');
    await page.getByRole('option', { name: /resource\.service\.name/ }).waitFor();
    assert.match((await page.getByRole('option', { name: /resource\.service\.name/ }).textContent())!, /resource attribute · \d+ spans/);
    await input.pressSequentially('ser');
    await input.press('Tab');
    await input.pressSequentially('= ');
    await page.getByRole('option', { name: /"payments"/ }).waitFor();
    const services = await optionLabels(page);
    for (const service of ['"payments"', '"checkout-orchestrator"', '"edge-gateway"', 'nil']) assert.ok(services.includes(service), `${service} is offered`);
    await input.pressSequentially('pay');
    assert.deepEqual(await optionLabels(page), ['"payments"']);
    await input.press('Enter');
    assert.equal(await caretText(page), '{ resource.service.name = "payments"‸');

    // The other conditions of the braces narrow the values: only payments' span names.
    await input.pressSequentially(' && name = ');
    await page.getByRole('option', { name: /Stripe API call/ }).waitFor();
    const names = await optionLabels(page);
    assert.ok(!names.includes('"POST /checkout"'), `an edge-gateway span name is not offered: ${names.join(', ')}`);
    await screenshot(page, 'filter-completions-values');
    await input.pressSequentially('"Str');
    assert.deepEqual(await optionLabels(page), ['"Stripe API call"']);
    await input.press('Enter');
    await input.pressSequentially(' }');
    await input.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('q') === '{ resource.service.name = "payments" && name = "Stripe API call" }');
    await page.locator('tr[data-trace-id]').first().waitFor();

    await page.goto(`${seeded.central.url}/search`);
    await input.pressSequentially('service(');
    await page.getByRole('option', { name: /"payments"/ }).waitFor();
    assert.deepEqual(errors, []);
  });

  test('without the discovery API (a central that answers 404), the grammar\u2019s completions still work', async () => {
    const { page } = await openPage(browser);
    await page.route('**/api/search/tag**', (route) => route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ error: 'not found' }) }));
    await page.goto(`${seeded.central.url}/search`);
    const input = page.getByRole('combobox', { name: 'filter expression' });
    await input.pressSequentially('{ resource.service.name = ');
    const list = page.getByRole('listbox', { name: 'completions' });
    await list.waitFor();
    assert.deepEqual(await optionLabels(page), ['nil'], 'no values, but the grammar\u2019s nil');
    await input.fill('');
    await input.pressSequentially('{ status = ');
    await list.waitFor();
    assert.deepEqual(await optionLabels(page), ['unset', 'ok', 'error']);
  });
});
