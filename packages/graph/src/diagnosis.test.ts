import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos, type Span } from '@stitch/model';
import { checkoutTraces, type PlantedCauses } from '@stitch/test-support/fixtures';
import { diagnose, type Diagnosis } from './diagnosis.ts';
import type { Finding } from './finding.ts';

const healthy = checkoutTraces(60, 1);
const findingOf = (d: Diagnosis, kind: Finding['kind']) => d.findings.filter((f) => f.kind === kind);
const titles = (list: ReadonlyArray<{ service: string; operation: string }>) => list.map((x) => `${x.service} › ${x.operation}`);

const planted: Array<{ name: string; causes: PlantedCauses; top: string; finding: Finding['kind']; check?: (d: Diagnosis) => void }> = [
  {
    name: 'a slow external call',
    causes: { stripeMs: [8000, 10000] },
    top: 'payments › Stripe API call',
    finding: 'no-timeout',
    check(d) {
      const [top] = d.contributors;
      assert.ok(top!.share > 0.5, `share ${top!.share}`);
      assert.equal(top!.kind, 'client');
      assert.equal(top!.account.label, 'payments');
      assert.equal(top!.matchTraces, 12);
      assert.ok(top!.changeNanos! > 7_000_000_000n);
      // Like with like: critical-path time per trace in the matches against the same in the baseline.
      assert.match(top!.headline, /^payments › Stripe API call → Stripe \(api\.stripe\.com\): \d+\.\d s of \d+\.\d s per matching trace on the critical path \(12 of 12 traces\); baseline \d+ ms of \d+ ms$/);
      // Only the call that waits itself is flagged, not the client spans above it that wait on payments.
      assert.deepEqual(titles(findingOf(d, 'no-timeout')), ['payments › Stripe API call']);
      const [noTimeout] = findingOf(d, 'no-timeout');
      assert.equal(noTimeout!.matchCount, 12);
      assert.equal(noTimeout!.baselineCount, 0);
      assert.match(noTimeout!.message, /^client calls payments › Stripe API call → Stripe \(api\.stripe\.com\) have no timeout shorter than the observed tail: up to \d+\.\d s, baseline p50 \d+ ms/);
      assert.equal(noTimeout!.kind === 'no-timeout' && noTimeout!.peer, 'Stripe (api.stripe.com)');
    },
  },
  {
    name: 'a retry storm',
    causes: { stockAttempts: 5 },
    top: 'inventory › GET /stock',
    finding: 'retry-storm',
    check(d) {
      const [storm] = findingOf(d, 'retry-storm');
      assert.equal(storm!.kind === 'retry-storm' && storm!.maxAttempts, 5);
      assert.equal(storm!.kind === 'retry-storm' && storm!.peer, 'warehouse.internal');
      assert.equal(storm!.account.label, 'catalog');
      assert.equal(d.findings[0], storm);
    },
  },
  {
    name: 'a lock wait',
    causes: { stockLockMs: 3000 },
    top: 'inventory › acquire stock lock',
    finding: 'lock-wait',
    check(d) {
      assert.deepEqual(titles(findingOf(d, 'lock-wait')), ['inventory › acquire stock lock']);
      const [wait] = findingOf(d, 'lock-wait');
      assert.ok(wait!.kind === 'lock-wait' && wait!.maxShare > 0.7);
      assert.equal(d.contributors[0]!.kind, 'internal');
    },
  },
];

for (const cause of planted) {
  test(`planted cause, ${cause.name}: ${cause.top} leads and a ${cause.finding} finding names it`, () => {
    const d = diagnose({ matches: checkoutTraces(12, 2, cause.causes), baseline: healthy });
    assert.equal(titles(d.contributors)[0], cause.top);
    assert.ok(titles(findingOf(d, cause.finding)).includes(cause.top), JSON.stringify(d.findings.map((f) => f.message)));
    assert.equal(d.counts.matches, 12);
    assert.equal(d.counts.baseline, 60);
    assert.ok(d.counts.matchP50Nanos! > d.counts.baselineP99Nanos!);
    assert.ok(d.contributors.length === 5);
    cause.check?.(d);
  });
}

test('healthy traces against healthy traces: no findings', () => {
  const d = diagnose({ matches: checkoutTraces(30, 3), baseline: healthy });
  assert.deepEqual(d.findings, []);
});

test('a pattern as common in the baseline is not a finding', () => {
  const storms = checkoutTraces(20, 4, { stockAttempts: 4 });
  const d = diagnose({ matches: storms.slice(0, 10), baseline: storms.slice(10) });
  assert.deepEqual(findingOf(d, 'retry-storm'), []);
});

test('thresholds can be tuned', () => {
  const d = diagnose({ matches: checkoutTraces(12, 2, { stockAttempts: 3 }), baseline: healthy }, { thresholds: { retryMinAttempts: 4 }, top: 2 });
  assert.deepEqual(findingOf(d, 'retry-storm'), []);
  assert.equal(d.contributors.length, 2);
});

test('fan-out: a span with many children, in enough matching traces', () => {
  const batch = (children: number): Span[] => {
    const parent = makeSpan({ name: 'batch lookup', startTimeUnixNano: nanos(0n), endTimeUnixNano: nanos(100n) });
    const kids = Array.from({ length: children }, (_, i) =>
      makeSpan({ traceId: parent.traceId, parentSpanId: parent.spanId, name: `get item ${i}`, kind: 'internal', startTimeUnixNano: nanos(BigInt(i)), endTimeUnixNano: nanos(BigInt(i + 50)) }),
    );
    return [parent, ...kids];
  };
  const batches = [batch(11), batch(12), batch(10)];
  const d = diagnose({ matches: batches, baseline: healthy });
  const [fanOut] = findingOf(d, 'fan-out');
  assert.equal(fanOut!.operation, 'batch lookup');
  assert.equal(fanOut!.kind === 'fan-out' && fanOut!.maxChildren, 12);
  assert.equal(fanOut!.exampleTraceId, batches[1]![0]!.traceId);
  // Fewer matching traces than the minimum support: no finding, however rare in the baseline.
  assert.deepEqual(findingOf(diagnose({ matches: batches.slice(0, 2), baseline: healthy }), 'fan-out'), []);
});

test('empty matches: counts only, nothing to rank', () => {
  const d = diagnose({ matches: [], baseline: healthy });
  assert.equal(d.counts.matches, 0);
  assert.equal(d.counts.matchP50Nanos, null);
  assert.deepEqual(d.contributors, []);
  assert.deepEqual(d.findings, []);
});

// Changed by issue 24: a finding must be shown more frequent than in the baseline; without one, none is.
test('empty baseline: no baseline figures, and no finding (nothing to compare with)', () => {
  const matches = [...checkoutTraces(10, 5), ...checkoutTraces(2, 6, { stripeMs: [9000, 9500] })];
  const d = diagnose({ matches, baseline: [] });
  assert.equal(d.counts.baseline, 0);
  assert.equal(d.counts.baselineP50Nanos, null);
  for (const c of d.contributors) {
    assert.equal(c.baselineSpanP50Nanos, null);
    assert.equal(c.baselineMeanCriticalNanos, null);
    assert.equal(c.changeNanos, null);
    assert.match(c.headline, /; no baseline traces$/);
  }
  assert.deepEqual(d.findings, []);
});

test('single-span traces: the span holds all the time, and a lone root is no lock wait', () => {
  const lone = (ms: bigint): Span[] => [makeSpan({ name: 'GET /health', kind: 'server', startTimeUnixNano: nanos(0n), endTimeUnixNano: nanos(ms * 1_000_000n) })];
  const d = diagnose({ matches: [lone(900n), lone(1000n)], baseline: [lone(10n)] });
  assert.equal(d.contributors.length, 1);
  assert.equal(d.contributors[0]!.share, 1);
  assert.equal(d.contributors[0]!.meanCriticalNanos, 950_000_000n);
  assert.equal(d.contributors[0]!.baselineSpanP50Nanos, 10_000_000n);
  assert.equal(d.contributors[0]!.baselineMeanCriticalNanos, 10_000_000n);
  assert.deepEqual(d.findings, []);
});

// Changed by issue 24: a trace missing a span between others (several parentless spans) is left out and counted.
test('traces with orphans and empty traces: a missing root is compared, a missing middle is not', () => {
  const lockWaits = checkoutTraces(12, 2, { stockLockMs: 3000 });
  const without = (name: string, kind: Span['kind']) => lockWaits.map((spans) => spans.filter((s) => !(s.name === name && s.kind === kind)));
  // The gateway's root span never arrived (an unlinked account): the rest of the trace hangs off a missing parent.
  const rootless = diagnose({ matches: [...without('POST /checkout', 'server'), []], baseline: [...healthy, []] }, { top: 100 });
  assert.equal(rootless.counts.matches, 12);
  assert.equal(rootless.counts.baseline, 60);
  assert.equal(titles(rootless.contributors)[0], 'inventory › acquire stock lock');
  assert.ok(titles(findingOf(rootless, 'lock-wait')).includes('inventory › acquire stock lock'));
  assert.equal(rootless.counts.incompleteMatches, 0);
  const total = rootless.contributors.reduce((sum, c) => sum + c.share, 0);
  assert.ok(Math.abs(total - 1) < 1e-9, `shares add up to ${total}`);
  // The orchestrator's span is lost: its subtrees hang apart from the gateway's span. Not compared, counted.
  const headless = diagnose({ matches: without('POST /orders', 'server'), baseline: healthy }, { top: 100 });
  assert.equal(headless.counts.matches, 0);
  assert.equal(headless.counts.incompleteMatches, 12);
  assert.deepEqual(headless.contributors, []);
  assert.deepEqual(headless.findings, []);
});
