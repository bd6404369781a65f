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
  hasError: false,
});
const reference = (total: number, ids: string[]): ExpectedMatches => ({ total, includes: (id) => ids.includes(id) });
const answer = (traces: TraceSummaryJson[], total: number): SearchAnswerJson => ({ traces, histogram: { total } });

test('search answers: what is wrong with each, and nothing with a right one', () => {
  const cases: Array<[string, number, SearchAnswerJson | null, ExpectedMatches, RegExp | null]> = [
    ['right: newest first, full page', 200, answer([trace('b', 1_900), trace('a', 1_500)], 3), reference(3, ['a', 'b', 'c']), null],
    ['right: nothing matches', 200, answer([], 0), reference(0, []), null],
    ['an error status', 503, null, reference(0, []), /status 503/],
    ['no histogram', 200, { traces: [] }, reference(0, []), /no histogram/],
    ['a histogram total the reference disagrees with', 200, answer([trace('a', 1_500)], 1), reference(2, ['a', 'b']), /histogram total 1, the reference counts 2/],
    ['a page short of the limit while more match', 200, answer([trace('a', 1_500)], 3), reference(3, ['a', 'b', 'c']), /1 traces returned of 3/],
    ['a trace before the window', 200, answer([trace('a', 999)], 1), reference(1, ['a']), /outside the window/],
    ['oldest first', 200, answer([trace('a', 1_500), trace('b', 1_900)], 2), reference(2, ['a', 'b']), /newer than the one before/],
    ['a summary failing the check', 200, answer([trace('a', 1_500, 7_000)], 1), reference(1, ['a']), /fails the summary check/],
    ['a trace the reference does not match', 200, answer([trace('x', 1_500)], 1), reference(1, ['a']), /does not match by the reference/],
  ];
  for (const [name, status, json, expected, problem] of cases) {
    const found = searchAnswerProblem(status, json, slow, expected, window);
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
