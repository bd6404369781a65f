import type { HttpClient } from './http-client.ts';
import type { ExpectedMatches } from './reference-matches.ts';
import type { SearchCase } from './search-cases.ts';
import { searchAnswerProblem, type SearchAnswerJson, type SearchWindow } from './search-check.ts';
import { timeGets, type TimedSamples } from './timed-gets.ts';

export interface TimedSearch extends TimedSamples {
  query: string;
}

export interface SearchResult {
  name: string;
  /** The p99 the page must answer within. */
  targetMs: number;
  /** Matches in the store, by the reference evaluator. */
  expectedTotal: number;
  /** Traces on the page (the same every time: the data does not change). */
  tracesReturned: number;
  /** The default request, the on-call's "newest `limit` matches": what the 300 ms target is for. */
  page: TimedSearch;
  /** The same with histogram=true: the page and the duration histogram of every match in the window. */
  pageAndHistogram: TimedSearch & {
    /** Matches in the window, by the answer's histogram. */
    histogramTotal: number | null;
  };
}

export async function measureSearch(client: HttpClient, search: SearchCase, expected: ExpectedMatches, window: SearchWindow, samples: number): Promise<SearchResult> {
  const pathOf = (histogram: boolean) => {
    const params = new URLSearchParams({ start: String(window.startMs), end: String(window.endMs), limit: String(window.limit), ...search.params });
    if (histogram) params.set('histogram', 'true');
    return `/api/traces?${params.toString()}`;
  };
  const timed = (histogram: boolean) =>
    timeGets<SearchAnswerJson>(client, pathOf(histogram), samples, (status, json) => searchAnswerProblem(status, json, search, expected, window, histogram));
  const { last: page, ...pageTimes } = await timed(false);
  const { last: withHistogram, ...histogramTimes } = await timed(true);
  return {
    name: search.name,
    targetMs: search.targetMs ?? 300,
    expectedTotal: expected.total,
    tracesReturned: page?.traces?.length ?? 0,
    page: { query: pathOf(false), ...pageTimes },
    pageAndHistogram: { query: pathOf(true), ...histogramTimes, histogramTotal: withHistogram?.histogram?.total ?? null },
  };
}
