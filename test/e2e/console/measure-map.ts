import type { Page } from 'playwright-core';

/**
 * Stamps `window.__stitchMapPaintedAt` with `performance.now()` (ms since navigation start) the
 * first time every one of the map's `data-node-count` nodes is in the DOM with a size. Plain
 * JavaScript in a string: tsx rewrites TypeScript functions with helpers the page lacks.
 */
const WATCH_FOR_MAP = `(() => {
  const mapIsDrawn = () => {
    const svg = document.querySelector('svg[data-node-count]');
    const expected = Number(svg ? svg.getAttribute('data-node-count') : 0);
    if (!svg || expected === 0) return false;
    const nodes = svg.querySelectorAll('[data-node-id]');
    return nodes.length >= expected && [...nodes].every((node) => node.getBoundingClientRect().width > 0);
  };
  const observer = new MutationObserver(() => {
    if (window.__stitchMapPaintedAt !== undefined || !mapIsDrawn()) return;
    window.__stitchMapPaintedAt = performance.now();
    observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
})();`;

/**
 * Milliseconds from navigation start until every node of the map is in the DOM and laid out,
 * measured in the page by a watcher installed before the page's own scripts, so the figure
 * does not depend on how often the caller polls.
 */
export async function measureMapFirstPaint(page: Page, url: string, timeoutMs = 10_000): Promise<number> {
  await page.addInitScript(WATCH_FOR_MAP);
  await page.goto(url);
  const stamped = await page.waitForFunction(() => (window as { __stitchMapPaintedAt?: number }).__stitchMapPaintedAt, undefined, { timeout: timeoutMs });
  return (await stamped.jsonValue()) as number;
}

/** The smallest text drawn on the map, in screen pixels (its font size times the map's scale), and what it says. */
export function smallestMapText(page: Page): Promise<{ smallestPx: number; text: string }> {
  return page.locator('svg[data-node-count]').evaluate((svg) => {
    let smallest = { smallestPx: Infinity, text: '' };
    for (const text of svg.querySelectorAll('text')) {
      if (text.getBoundingClientRect().width === 0) continue;
      const px = parseFloat(getComputedStyle(text).fontSize) * (text.getScreenCTM()?.a ?? 1);
      if (px < smallest.smallestPx) smallest = { smallestPx: px, text: text.textContent ?? '' };
    }
    return smallest;
  });
}
