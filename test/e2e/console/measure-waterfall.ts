import type { Page } from 'playwright-core';

/** Where the page keeps the moment its first waterfall rows were painted (ms since navigation start). */
type RenderRecord = { stitchWaterfallPaintedMs?: number };

/**
 * Runs in the page before its own scripts: watches the DOM for the first waterfall row, then
 * waits for the frame that shows it to be painted (a requestAnimationFrame callback runs before
 * the paint, a message posted from it is handled after).
 */
function recordWaterfallPaint(): void {
  const observer = new MutationObserver(() => {
    if (!document.querySelector('.wf-row[data-span-id]')) return;
    observer.disconnect();
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        (window as RenderRecord & Window).stitchWaterfallPaintedMs = performance.now();
      };
      channel.port2.postMessage(null);
    });
  });
  observer.observe(document, { childList: true, subtree: true });
}

export interface WaterfallTimings {
  /** Navigation start → the waterfall's rows painted: the whole wait a person sees, central's answer included. */
  fromNavigationMs: number;
  /** The trace's API answer fully received → rows painted: the console's own share (parse, model, render, paint). */
  fromApiAnswerMs: number;
}

/** Opens `url` (a `/trace/<id>` page) in a fresh `page` and times, inside the page, how long until its waterfall is painted. */
export async function measureWaterfallTimings(page: Page, url: string): Promise<WaterfallTimings> {
  await page.addInitScript(recordWaterfallPaint);
  await page.goto(url);
  await page.waitForFunction(() => typeof (window as RenderRecord & Window).stitchWaterfallPaintedMs === 'number', undefined, { timeout: 30_000 });
  return page.evaluate(() => {
    const painted = (window as RenderRecord & Window).stitchWaterfallPaintedMs!;
    const answer = performance.getEntriesByType('resource').find((entry) => entry.name.includes('/api/traces/')) as PerformanceResourceTiming | undefined;
    return { fromNavigationMs: painted, fromApiAnswerMs: answer ? painted - answer.responseEnd : Number.NaN };
  });
}

/**
 * Milliseconds from the moment the trace's API answer was fully received until the waterfall's
 * rows are in the DOM and painted, measured in the page: the console's rendering cost (JSON
 * parse, model, render, paint) without central's query time; {@link measureWaterfallTimings}
 * also gives the figure from navigation start. Use a fresh page: the recorder stays installed
 * for the page's later navigations.
 */
export async function measureWaterfallRender(page: Page, url: string): Promise<number> {
  return (await measureWaterfallTimings(page, url)).fromApiAnswerMs;
}
