// Trace search held to the corpus's truth: for each filter, exactly the traces (started in the
// window) it means, and the histogram's total. Tolerance: exact.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TruthContext } from './truth-suite.ts';
import { tracesOf } from './truth.ts';
import type { PlannedSpan } from './ride-hailing.ts';

const statusOf = (span: PlannedSpan) => span.attributes['http.response.status_code'] ?? span.attributes['http.status_code'];

/** Filters a user would type, each with what it means of a trace's spans. */
const FILTERS: Array<{ q: string; matches: (trace: { spans: PlannedSpan[]; startNs: bigint; endNs: bigint }) => boolean }> = [
  { q: 'service("fare")', matches: (trace) => trace.spans.some((s) => s.service === 'fare') },
  { q: 'duration > 700ms', matches: (trace) => trace.endNs - trace.startNs > 700_000_000n },
  { q: 'http.status = 404', matches: (trace) => trace.spans.some((s) => statusOf(s) === 404) },
  { q: 'service("dispatch") AND kind = "consumer"', matches: (trace) => trace.spans.some((s) => s.service === 'dispatch') && trace.spans.some((s) => s.kind === 'consumer') },
  { q: 'name = "SELECT trips" AND duration > 500ms', matches: (trace) => trace.spans.some((s) => s.name === 'SELECT trips') && trace.endNs - trace.startNs > 500_000_000n },
];

export function searchTruthTests({ corpus, loaded, wholeMinutes }: TruthContext): void {
  describe('trace search', () => {
    const traces = tracesOf(corpus.spans);
    const inWindow = [...traces.entries()].filter(([, trace]) => trace.startNs >= BigInt(wholeMinutes.startMs) * 1_000_000n && trace.startNs < BigInt(wholeMinutes.endMs) * 1_000_000n);

    for (const { q, matches } of FILTERS) {
      test(`${q}: exactly the traces it means`, async () => {
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
