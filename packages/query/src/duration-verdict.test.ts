import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos, type Span } from '@stitch/model';
import { verdictFromDuration } from './duration-verdict.ts';
import { traceMatches } from './evaluate.ts';
import { parseFilter } from './parser.ts';

const S = 1_000_000_000n;
const exactly = (seconds: number) => ({ nanos: BigInt(seconds * 1e9), exact: true });
const atLeast = (seconds: number) => ({ nanos: BigInt(seconds * 1e9), exact: false });
const verdict = (q: string, known: { nanos: bigint; exact: boolean }) => verdictFromDuration(parseFilter(q), known);

test('an exact duration settles duration comparisons, and only those', () => {
  assert.equal(verdict('duration > 8', exactly(9)), true);
  assert.equal(verdict('duration > 8', exactly(8)), false);
  assert.equal(verdict('duration >= 8', exactly(8)), true);
  assert.equal(verdict('duration < 8', exactly(8)), false);
  assert.equal(verdict('duration <= 8', exactly(8)), true);
  assert.equal(verdict('duration = 8', exactly(8)), true);
  assert.equal(verdict('duration != 8', exactly(8)), false);
  assert.equal(verdict('fault', exactly(8)), null);
  assert.equal(verdict('service("a") { duration > 1 }', exactly(8)), null, 'a span duration inside braces is not the trace duration');
  assert.equal(verdict('responsetime > 1', exactly(8)), null);
});

test('a lower bound rules out only what a longer trace could not make true', () => {
  assert.equal(verdict('duration > 8', atLeast(9)), true);
  assert.equal(verdict('duration > 8', atLeast(1)), null, 'parts not seen yet may make it longer');
  assert.equal(verdict('duration < 8', atLeast(9)), false);
  assert.equal(verdict('duration <= 8', atLeast(1)), null);
  assert.equal(verdict('duration = 8', atLeast(9)), false);
  assert.equal(verdict('duration != 8', atLeast(9)), true);
});

test('unknown conditions combine three-valued', () => {
  assert.equal(verdict('fault AND duration > 8', exactly(1)), false);
  assert.equal(verdict('fault AND duration > 8', exactly(9)), null);
  assert.equal(verdict('fault OR duration > 8', exactly(9)), true);
  assert.equal(verdict('fault OR duration > 8', exactly(1)), null);
  assert.equal(verdict('NOT (fault OR duration > 8)', exactly(9)), false);
  assert.equal(verdict('NOT duration > 8', exactly(1)), true);
});

test('a settled verdict always agrees with the reference evaluator', () => {
  const filters = ['duration > 2', 'duration <= 3 AND NOT fault', 'fault OR duration >= 5', 'NOT (duration < 1 OR service("b"))', 'duration = 4 OR duration != 2', 'service("a") AND duration > 1 AND duration < 6'];
  const span = (id: number, service: string, start: number, end: number, error = false): Span =>
    makeSpan({ traceId: 'a'.repeat(32), spanId: id.toString(16).padStart(16, '0'), parentSpanId: id === 1 ? null : '0000000000000001', startTimeUnixNano: nanos(BigInt(start) * S), endTimeUnixNano: nanos(BigInt(end) * S), resource: { serviceName: service, attributes: {} }, ...(error ? { status: { code: 'error', message: '' } } : {}) });
  let settled = 0;
  for (let length = 0; length <= 7; length++) {
    for (const error of [false, true]) {
      const trace = [span(1, 'a', 100, 100 + length), span(2, 'b', 100, 101, error)];
      for (const q of filters) {
        const expr = parseFilter(q);
        const answer = verdictFromDuration(expr, { nanos: BigInt(length) * S, exact: true });
        if (answer !== null) {
          settled += 1;
          assert.equal(answer, traceMatches(expr, trace), `${q} on a ${length} s trace`);
        }
        // With only part of the trace seen (at most its duration), a verdict must still hold.
        for (let seen = 0; seen <= length; seen++) {
          const partial = verdictFromDuration(expr, { nanos: BigInt(seen) * S, exact: false });
          if (partial !== null) assert.equal(partial, traceMatches(expr, trace), `${q}: ${seen} s seen of a ${length} s trace`);
        }
      }
    }
  }
  assert.ok(settled > 40, `settled ${settled} of ${8 * 2 * filters.length}`);
});
