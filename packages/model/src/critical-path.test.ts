import { test } from 'node:test';
import assert from 'node:assert/strict';
import { criticalPath, type CriticalPath } from './critical-path.ts';
import { makeSpan, seededRandom } from './fixtures.ts';
import type { Span } from './span.ts';
import { nanos } from './units.ts';

const T0 = 1_700_000_000_000_000_000n;
const MS = 1_000_000n;
const at = (ms: number) => nanos(T0 + BigInt(Math.round(ms * 1000)) * (MS / 1000n));
const idOf = (name: string) => name.repeat(16).slice(0, 16);

/** A span named by one hex letter, its parent by another (or a letter not in the trace: an orphan). */
function span(name: string, parent: string | null, fromMs: number, toMs: number, service = 'checkout-orchestrator'): Span {
  return makeSpan({
    traceId: 'c'.repeat(32),
    spanId: idOf(name),
    parentSpanId: parent === null ? null : idOf(parent),
    name,
    startTimeUnixNano: at(fromMs),
    endTimeUnixNano: at(toMs),
    resource: { serviceName: service, attributes: { 'service.name': service } },
  });
}

/** Segments as `a 0-10` (span a from 0 to 10 ms) and `gap 90-130 (b→c)`. */
function describe(path: CriticalPath): string[] {
  const ms = (value: bigint) => String((value - T0) / MS);
  const letter = (id: string | null) => (id === null ? '∅' : id[0]);
  return path.segments.map((s) =>
    s.kind === 'span' ? `${letter(s.spanId)} ${ms(s.startNanos)}-${ms(s.endNanos)}` : `gap ${ms(s.startNanos)}-${ms(s.endNanos)} (${letter(s.afterSpanId)}→${letter(s.beforeSpanId)})`,
  );
}
const onPath = (path: CriticalPath) => [...path.spanIds].map((id) => id[0]).sort().join('');

const cases: Array<{ name: string; spans: Span[]; expect: { segments: string[]; onPath: string; totalMs: number } }> = [
  {
    // …and the client span itself is ended a moment after the caller's next step began.
    name: 'a call ended a fraction of a millisecond after the next step began is still the path',
    spans: [span('a', null, 0, 120), span('b', 'a', 0, 100.5), span('d', 'a', 100, 110)],
    expect: { segments: ['b 0-100', 'd 100-110', 'a 110-120'], onPath: 'abd', totalMs: 120 },
  },
  {
    // Real HTTP: the callee's server span ends a moment after the client span got its answer, and
    // the caller's next step starts in between. The slow call is still the path.
    name: 'a call whose callee ends just after it is not hidden by the step that follows',
    spans: [span('a', null, 0, 120), span('b', 'a', 0, 100), span('c', 'b', 1, 101), span('d', 'a', 100, 110)],
    expect: { segments: ['b 0-1', 'c 1-100', 'd 100-110', 'a 110-120'], onPath: 'abcd', totalMs: 120 },
  },
  {
    // Stock OpenTelemetry without client spans: inventory's server span is a child of orders' server
    // span, and inventory's clock runs 30 ms ahead, so it seems to end after orders' next call began.
    name: 'skew: a callee on another clock ending after the next step began is still the path',
    spans: [span('a', null, 0, 300), span('b', 'a', 10, 230, 'inventory'), span('d', 'a', 200, 290)],
    expect: { segments: ['a 0-10', 'b 10-200', 'd 200-290', 'a 290-300'], onPath: 'abd', totalMs: 300 },
  },
  {
    // Two hosts each 200 ms off, in opposite directions: 400 ms apart, within the allowance.
    name: 'skew: 400 ms apart is still skew',
    spans: [span('a', null, 0, 1000), span('b', 'a', 10, 600, 'inventory'), span('d', 'a', 200, 990)],
    expect: { segments: ['a 0-10', 'b 10-200', 'd 200-990', 'a 990-1000'], onPath: 'abd', totalMs: 1000 },
  },
  {
    // The same overlap on one clock is parallel work: the parent covers the child.
    name: 'an overlap on the same clock is still parallel work',
    spans: [span('a', null, 0, 1000), span('b', 'a', 10, 600), span('d', 'a', 200, 990)],
    expect: { segments: ['a 0-200', 'd 200-990', 'a 990-1000'], onPath: 'ad', totalMs: 1000 },
  },
  {
    name: 'sequential children take turns with the parent',
    spans: [span('a', null, 0, 100), span('b', 'a', 10, 40), span('c', 'a', 50, 90)],
    expect: { segments: ['a 0-10', 'b 10-40', 'a 40-50', 'c 50-90', 'a 90-100'], onPath: 'abc', totalMs: 100 },
  },
  {
    name: 'of parallel children only the last-finishing one is critical',
    spans: [span('a', null, 0, 100), span('b', 'a', 10, 80), span('c', 'a', 10, 90)],
    expect: { segments: ['a 0-10', 'c 10-90', 'a 90-100'], onPath: 'ac', totalMs: 100 },
  },
  {
    name: 'a child still running when the taken child started is skipped; the parent covers it',
    spans: [span('a', null, 0, 100), span('b', 'a', 10, 60), span('c', 'a', 50, 90)],
    expect: { segments: ['a 0-50', 'c 50-90', 'a 90-100'], onPath: 'ac', totalMs: 100 },
  },
  {
    name: 'the walk descends into grandchildren',
    spans: [span('a', null, 0, 100), span('b', 'a', 10, 90), span('c', 'b', 20, 30), span('d', 'b', 40, 80)],
    expect: { segments: ['a 0-10', 'b 10-20', 'c 20-30', 'b 30-40', 'd 40-80', 'b 80-90', 'a 90-100'], onPath: 'abcd', totalMs: 100 },
  },
  {
    name: 'an async consumer ending after the root: the queue wait is a gap',
    spans: [span('a', null, 0, 100), span('b', 'a', 80, 90), span('c', 'b', 130, 200)],
    expect: { segments: ['a 0-80', 'b 80-90', 'gap 90-130 (b→c)', 'c 130-200'], onPath: 'abc', totalMs: 200 },
  },
  {
    name: 'skew: a child starting before its parent is clipped, the part before the parent is a gap',
    spans: [span('a', null, 10, 100), span('b', 'a', 0, 50)],
    expect: { segments: ['gap 0-10 (∅→b)', 'b 10-50', 'a 50-100'], onPath: 'ab', totalMs: 100 },
  },
  {
    name: 'skew: a child overrunning its parent is read as async work',
    spans: [span('a', null, 0, 100), span('b', 'a', 60, 120)],
    expect: { segments: ['a 0-60', 'b 60-120'], onPath: 'ab', totalMs: 120 },
  },
  {
    name: 'orphans: an overlapping root keeps its part before the later root',
    spans: [span('a', null, 0, 100), span('b', 'f', 50, 300)],
    expect: { segments: ['a 0-50', 'b 50-300'], onPath: 'ab', totalMs: 300 },
  },
  {
    name: 'orphans: disconnected roots are joined by a gap',
    spans: [span('a', null, 0, 100), span('b', 'f', 150, 200)],
    expect: { segments: ['a 0-100', 'gap 100-150 (a→b)', 'b 150-200'], onPath: 'ab', totalMs: 200 },
  },
  {
    name: 'zero-length and malformed (end before start) spans bound nothing',
    spans: [span('a', null, 0, 100), span('b', 'a', 50, 50), span('c', 'a', 70, 60)],
    expect: { segments: ['a 0-100'], onPath: 'a', totalMs: 100 },
  },
  {
    name: 'a duplicated span counts once',
    spans: [span('a', null, 0, 100), span('b', 'a', 10, 40), span('b', 'a', 10, 40)],
    expect: { segments: ['a 0-10', 'b 10-40', 'a 40-100'], onPath: 'ab', totalMs: 100 },
  },
  {
    name: 'a parent cycle does not hang: its members become roots',
    spans: [span('a', 'b', 0, 100), span('b', 'a', 20, 50)],
    expect: { segments: ['a 0-20', 'b 20-50', 'a 50-100'], onPath: 'ab', totalMs: 100 },
  },
];

for (const c of cases) {
  test(c.name, () => {
    const path = criticalPath(c.spans);
    assert.deepEqual(describe(path), c.expect.segments);
    assert.equal(onPath(path), c.expect.onPath);
    assert.equal(path.totalNanos, BigInt(c.expect.totalMs) * MS);
    assertCovers(path);
  });
}

test('critical nanos per span and the gap total add up to the trace', () => {
  const path = criticalPath([span('a', null, 0, 100), span('b', 'a', 80, 90), span('c', 'b', 130, 200), span('d', 'a', 10, 20)]);
  assert.equal(path.nanosBySpan.get(idOf('a')), 70n * MS);
  assert.equal(path.nanosBySpan.get(idOf('d')), 10n * MS);
  assert.equal(path.gapNanos, 40n * MS);
  const covered = [...path.nanosBySpan.values()].reduce<bigint>((sum, value) => sum + value, path.gapNanos);
  assert.equal(covered, path.totalNanos);
});

test('a parent wholly covered by its child is on the path with zero own time', () => {
  const path = criticalPath([span('a', null, 0, 100), span('b', 'a', 0, 100)]);
  assert.equal(path.nanosBySpan.get(idOf('a')), 0n);
  assert.deepEqual(describe(path), ['b 0-100']);
});

test('an empty trace has an empty path', () => {
  const path = criticalPath([]);
  assert.deepEqual(path.segments, []);
  assert.equal(path.totalNanos, 0n);
  assert.equal(path.spanIds.size, 0);
});

test('property: on random trees with skew, orphans, duplicates, malformed and async spans the segments tile the trace', () => {
  const random = seededRandom(7);
  const pick = (n: number) => Math.floor(random() * n);
  for (let round = 0; round < 300; round++) {
    const spans: Span[] = [];
    const count = 1 + pick(30);
    for (let i = 0; i < count; i++) {
      const parent = i === 0 || random() < 0.05 ? null : random() < 0.05 ? 'ffffffffffffffff' : spans[pick(spans.length)]!.spanId;
      const parentSpan = spans.find((s) => s.spanId === parent);
      const base = parentSpan ? Number((parentSpan.startTimeUnixNano - T0) / MS) : pick(50);
      const from = base + pick(60) - (random() < 0.1 ? 20 : 0);
      const to = random() < 0.05 ? from - 5 : from + (random() < 0.1 ? 0 : pick(80)) + (random() < 0.1 ? 100 : 0);
      const spanId = (random() < 0.05 ? pick(i) + 1 : i + 1).toString(16).padStart(16, '0');
      spans.push(makeSpan({ traceId: 'c'.repeat(32), spanId, parentSpanId: parent, startTimeUnixNano: at(from), endTimeUnixNano: at(to) }));
    }
    const path = criticalPath(spans);
    assertCovers(path);
    // A duplicated id keeps its first copy.
    const firstCopies = spans.filter((s, i) => spans.findIndex((other) => other.spanId === s.spanId) === i);
    assert.equal(path.traceStartNanos, firstCopies.map((s) => s.startTimeUnixNano).reduce((a, b) => (a < b ? a : b)));
    assert.equal(path.traceEndNanos, firstCopies.map((s) => (s.endTimeUnixNano > s.startTimeUnixNano ? s.endTimeUnixNano : s.startTimeUnixNano)).reduce((a, b) => (a > b ? a : b)));
    for (const segment of path.segments) {
      if (segment.kind !== 'span') continue;
      const owner = firstCopies.find((s) => s.spanId === segment.spanId)!;
      assert.ok(segment.startNanos >= owner.startTimeUnixNano && segment.endNanos <= owner.endTimeUnixNano, 'a span segment lies inside its span');
    }
  }
});

/** Ordered, contiguous, non-empty segments from trace start to trace end; durations sum to the total. */
function assertCovers(path: CriticalPath): void {
  let cursor = path.traceStartNanos;
  let sum = 0n;
  for (const segment of path.segments) {
    assert.equal(segment.startNanos, cursor, 'contiguous');
    assert.ok(segment.endNanos > segment.startNanos, 'non-empty');
    if (segment.kind === 'span') assert.ok(path.spanIds.has(segment.spanId));
    sum += segment.endNanos - segment.startNanos;
    cursor = segment.endNanos;
  }
  if (path.segments.length > 0) assert.equal(cursor, path.traceEndNanos);
  assert.equal(sum, path.totalNanos);
  const byTotal = [...path.nanosBySpan.values()].reduce<bigint>((a, b) => a + b, path.gapNanos);
  assert.equal(byTotal, path.totalNanos);
}
