import { launchBrowser, openPage } from '../test/e2e/console/browser.ts';
import { largeTrace, postSpans } from '../test/e2e/console/large-trace.ts';
import { measureMapFirstPaint } from '../test/e2e/console/measure-map.ts';
import { measureWaterfallTimings } from '../test/e2e/console/measure-waterfall.ts';
import { startSeededCentral } from '../test/e2e/console/seeded-central.ts';
import { summarizeLatencies, type LatencySummary } from './latency-stats.ts';

/** Users of Jaeger and Tempo report traces of 40,000 spans and more that their UIs cannot open. */
const WATERFALL_SPANS = 100_000;

export interface ConsoleBenchResult {
  seededTraces: number;
  mapNodes: number;
  /** Navigation start → every node of the map drawn (fresh page each time: the bundle and the map API answer included). */
  mapFirstPaintMs: LatencySummary | null;
  waterfallSpans: number;
  /** The trace's API answer received → its waterfall rows painted: the console's own share. */
  waterfallRenderMs: LatencySummary | null;
  /** Navigation start → the waterfall painted: what a person waits, central's answer included. */
  waterfallFromNavigationMs: LatencySummary | null;
}

/**
 * The console in Debian's Chromium against a real central: the service map of the seeded
 * checkout (five accounts, ~212 traces) and a 100,000-span trace's waterfall, each opened
 * `samples` times in a fresh page.
 */
export async function runConsoleBench(samples: number, progress: (message: string) => void): Promise<ConsoleBenchResult> {
  const [seeded, browser] = await Promise.all([startSeededCentral(), launchBrowser()]);
  try {
    const map = (await (await fetch(`${seeded.central.url}/api/service-map`)).json()) as { nodes: unknown[] };
    const spans = largeTrace(WATERFALL_SPANS);
    await postSpans(seeded.central.url, spans);
    const traceUrl = `${seeded.central.url}/trace/${spans[0]!.traceId}`;
    // One page load first: central builds the bundle at its first page request, which no later visitor waits for.
    await (await openPage(browser)).page.goto(`${seeded.central.url}/map`);
    progress(`console: ${samples} map loads (${map.nodes.length} nodes), ${samples} loads of a ${spans.length}-span waterfall`);
    const mapPaints: number[] = [];
    const renders: number[] = [];
    const fromNavigation: number[] = [];
    for (let i = 0; i < samples; i++) {
      const { page } = await openPage(browser);
      mapPaints.push(await measureMapFirstPaint(page, `${seeded.central.url}/map`));
      await page.context().close();
      const { page: tracePage } = await openPage(browser);
      const timings = await measureWaterfallTimings(tracePage, traceUrl);
      renders.push(timings.fromApiAnswerMs);
      fromNavigation.push(timings.fromNavigationMs);
      await tracePage.context().close();
    }
    return {
      seededTraces: seeded.traceIds.length,
      mapNodes: map.nodes.length,
      mapFirstPaintMs: summarizeLatencies(mapPaints),
      waterfallSpans: spans.length,
      waterfallRenderMs: summarizeLatencies(renders),
      waterfallFromNavigationMs: summarizeLatencies(fromNavigation),
    };
  } finally {
    await browser.close();
    await seeded.stop();
  }
}
