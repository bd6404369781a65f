// Trace search held to the corpus's truth: for each filter the corpus's scenario names, exactly
// the traces (started in the window) it means, and the histogram's total. Tolerance: exact.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TruthContext } from './truth-context.ts';
import { tracesOf } from './truth.ts';

export function searchTruthTests({ corpus, loaded, wholeMinutes, todo }: TruthContext): void {
  describe('trace search', () => {
    const traces = tracesOf(corpus.spans);
    const inWindow = [...traces.entries()].filter(([, trace]) => trace.startNs >= BigInt(wholeMinutes.startMs) * 1_000_000n && trace.startNs < BigInt(wholeMinutes.endMs) * 1_000_000n);

    for (const { q, matches } of corpus.scenario.searches) {
      test(`${q}: exactly the traces it means`, { todo: todo(`search ${q}`) }, async () => {
        const expected = inWindow.filter(([, trace]) => matches(trace)).map(([id]) => id).sort();
        assert.ok(expected.length > 0 && expected.length < 1000, `${q}: ${expected.length} traces make a poor test`);
        const answer = await loaded().get<{ traces: Array<{ traceId: string }>; histogram: { total: number } }>(
          `/api/traces?q=${encodeURIComponent(q)}&start=${wholeMinutes.startMs}&end=${wholeMinutes.endMs}&limit=1000&histogram=true`,
        );
        assert.deepEqual(answer.traces.map((t) => t.traceId).sort(), expected);
        assert.equal(answer.histogram.total, expected.length);
      });
    }
  });
}
