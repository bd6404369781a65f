import type { HttpClient } from './http-client.ts';
import type { ExpectedMatches } from './reference-matches.ts';
import type { SearchCase } from './search-cases.ts';
import { searchAnswerProblem, type SearchAnswerJson, type SearchWindow } from './search-check.ts';
import { timeGets, type TimedSamples } from './timed-gets.ts';

export interface SearchResult extends TimedSamples {
  name: string;
  query: string;
  /** Traces returned (the same every time: the data does not change). */
  tracesReturned: number;
  /** Matches in the window, by the answer's histogram. */
  histogramTotal: number | null;
  /** Matches in the store, by the reference evaluator. */
  expectedTotal: number;
}

export async function measureSearch(client: HttpClient, search: SearchCase, expected: ExpectedMatches, window: SearchWindow, samples: number): Promise<SearchResult> {
  const params = new URLSearchParams({ start: String(window.startMs), end: String(window.endMs), limit: String(window.limit), ...search.params });
  const path = `/api/traces?${params.toString()}`;
  const { last, ...timed } = await timeGets<SearchAnswerJson>(client, path, samples, (status, json) => searchAnswerProblem(status, json, search, expected, window));
  return {
    name: search.name,
    query: path,
    ...timed,
    tracesReturned: last?.traces?.length ?? 0,
    histogramTotal: last?.histogram?.total ?? null,
    expectedTotal: expected.total,
  };
}
