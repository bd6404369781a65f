import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnoseAnswerProblem } from './diagnose-bench.ts';
import type { ExpectedMatches } from './reference-matches.ts';
import type { SearchCase, TraceSummaryJson } from './search-cases.ts';
import { searchAnswerProblem, type SearchAnswerJson } from './search-check.ts';

const window = { startMs: 1_000, endMs: 2_000, limit: 2 };
const slow: SearchCase = { name: 'slow', params: { q: 'duration > 8' }, check: (t) => t.durationMs > 8_000, equivalent: 'duration > 8' };
const trace = (traceId: string, startMs: number, durationMs = 9_000): TraceSummaryJson => ({
  traceId,
  startTimeUnixNano: String(BigInt(startMs) * 1_000_000n),
  durationMs,
  services: ['payments'],
  status: 'ok',
  errorSpanCount: 0,
});
/** The reference: `total` matches, the newest first in `page` (id and start in ms). */
const reference = (total: number, page: Array<[string, number]>): ExpectedMatches => ({
  total,
  includes: (id) => page.some(([pageId]) => pageId === id),
  newest: (limit) => page.slice(0, limit).map(([traceId, startMs]) => ({ traceId, startNs: BigInt(startMs) * 1_000_000n })),
});
const answer = (traces: TraceSummaryJson[], total: number): SearchAnswerJson => ({ traces, histogram: { total } });
const pageOnly = (traces: TraceSummaryJson[]): SearchAnswerJson => ({ traces });

test('search answers: what is wrong with each, and nothing with a right one', () => {
  const a: [string, number] = ['a', 1_500];
  const b: [string, number] = ['b', 1_900];
  const c: [string, number] = ['c', 1_200];
  const cases: Array<[string, boolean, number, SearchAnswerJson | null, ExpectedMatches, RegExp | null]> = [
    ['right: newest first, full page', true, 200, answer([trace('b', 1_900), trace('a', 1_500)], 3), reference(3, [b, a, c]), null],
    ['right: the page alone, no histogram', false, 200, pageOnly([trace('b', 1_900), trace('a', 1_500)]), reference(3, [b, a, c]), null],
    ['right: nothing matches', true, 200, answer([], 0), reference(0, []), null],
    ['right: nothing matches, page alone', false, 200, pageOnly([]), reference(0, []), null],
    ['an error status', true, 503, null, reference(0, []), /status 503/],
    ['no histogram when asked for', true, 200, pageOnly([]), reference(0, []), /no histogram/],
    ['a histogram not asked for', false, 200, answer([], 0), reference(0, []), /a histogram in the answer to a search without/],
    ['a histogram total the reference disagrees with', true, 200, answer([trace('a', 1_500)], 1), reference(2, [a, c]), /histogram total 1, the reference counts 2/],
    ['a page short of the limit while more match', false, 200, pageOnly([trace('a', 1_500)]), reference(3, [b, a, c]), /1 traces returned of 3/],
    ['a trace before the window', true, 200, answer([trace('a', 999)], 1), reference(1, [['a', 999]]), /outside the window/],
    ['oldest first', false, 200, pageOnly([trace('a', 1_500), trace('b', 1_900)]), reference(2, [b, a]), /newer than the one before/],
    ['a summary failing the check', false, 200, pageOnly([trace('a', 1_500, 7_000)]), reference(1, [a]), /fails the summary check/],
    ['a trace the reference does not match', false, 200, pageOnly([trace('x', 1_500)]), reference(1, [a]), /does not match by the reference/],
    ['matches, but not the newest', false, 200, pageOnly([trace('a', 1_500), trace('c', 1_200)]), reference(3, [b, a, c]), /page entry 1 is a .*newest match there is b/],
    ['the right trace at another start', false, 200, pageOnly([trace('b', 1_901), trace('a', 1_500)]), reference(3, [b, a, c]), /page entry 1 is b starting at 1901000000 ns/],
  ];
  for (const [name, withHistogram, status, json, expected, problem] of cases) {
    const found = searchAnswerProblem(status, json, slow, expected, window, withHistogram);
    if (problem === null) assert.equal(found, null, name);
    else assert.match(found ?? '', problem, name);
  }
});

test('diagnose answers: counts as expected and at least one contributor', () => {
  const expected = { matches: 1_000, baseline: 1_000 };
  const diagnosis = (matches: number, contributors: number) => ({ diagnosis: { counts: { matches, baseline: 1_000 }, contributors: Array.from({ length: contributors }, () => ({ headline: 'x' })) } });
  assert.equal(diagnoseAnswerProblem(200, diagnosis(1_000, 2), expected), null);
  assert.match(diagnoseAnswerProblem(200, diagnosis(999, 2), expected) ?? '', /compared 999 matches/);
  assert.match(diagnoseAnswerProblem(200, diagnosis(1_000, 0), expected) ?? '', /no contributor/);
  assert.match(diagnoseAnswerProblem(400, null, expected) ?? '', /status 400/);
});
