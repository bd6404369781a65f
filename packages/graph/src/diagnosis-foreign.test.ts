import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom, type Span } from '@stitch/model';
import { knownBreaksOf } from './call-survey.ts';
import { diagnose, type Diagnosis } from './diagnosis.ts';
import { renderDiagnosis } from './render-diagnosis.ts';
import type { Finding } from './finding.ts';
import { ServiceGraphAggregator } from './service-map/service-graph-aggregator.ts';
import { inferPeer } from './service-map/peers.ts';
import { buildServiceMap } from './service-map/service-map.ts';
import { CAUSE_OPERATIONS, foreignCheckout, traceDurationMs, type PlantedCause } from '@stitch/test-support/fixtures';

// The diagnosis on traces made as stock OpenTelemetry SDKs make them (see foreign-checkout.ts):
// causes planted into a known set of traces must be named first, and nothing else may be reported.

const POPULATION = 400;
/** `duration > 1.2 s`: above every healthy trace (≤ ~0.9 s with ±200 ms skews), below every planted one (≥ 1.5 s). */
const SLOW_MS = 1_200;

/** The map's label for whom a planted call calls (inferPeer decides it, as it does for the map). */
const peerLabel = (traces: readonly Span[][], cause: PlantedCause): string => {
  const { service, operation } = CAUSE_OPERATIONS[cause];
  const call = traces.flat().find((s) => s.resource.serviceName === service && s.name === operation && s.kind === 'client')!;
  return inferPeer(call).label;
};
const named = (x: { service: string; operation: string }) => `${x.service} › ${x.operation}`;
const describeFindings = (d: Diagnosis) => JSON.stringify(d.findings.map((f) => f.message), null, 1);

/** Every tenth trace or so, chosen by a seeded draw. */
function plantedSet(seed: number, share: number): Set<number> {
  const random = seededRandom(seed * 7 + 1);
  return new Set(Array.from({ length: POPULATION }, (_, i) => i).filter(() => random() < share));
}

/** The user's `duration > 1.2 s` against the window's other traces. */
function splitBySlowness(traces: readonly Span[][]): { matches: Span[][]; baseline: Span[][] } {
  return { matches: traces.filter((t) => traceDurationMs(t) > SLOW_MS), baseline: traces.filter((t) => traceDurationMs(t) <= SLOW_MS) };
}

describe('diagnosis on foreign traces', () => {
  test('a healthy system: matches drawn from the same population as the baseline make no finding, over 40 seeds', () => {
    let compared = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { traces } = foreignCheckout({ count: 300, seed });
      const random = seededRandom(seed * 31);
      const share = 0.05 + random() * 0.45;
      const matches: Span[][] = [];
      const baseline: Span[][] = [];
      for (const trace of traces) (random() < share ? matches : baseline).push(trace);
      const d = diagnose({ matches, baseline });
      assert.deepEqual(d.findings, [], `seed ${seed}: ${describeFindings(d)}`);
      // The canary's remote parent and the hop without client spans do not make a trace incomplete.
      assert.equal(d.counts.incompleteMatches + d.counts.incompleteBaseline, 0, `seed ${seed}`);
      compared += d.counts.matches + d.counts.baseline;
    }
    assert.equal(compared, 40 * 300);
  });

  const expected: Record<Exclude<PlantedCause, 'context-break' | 'context-lost-inside'>, Finding['kind']> = { 'slow-db': 'no-timeout', 'slow-api': 'no-timeout', 'retry-storm': 'retry-storm' };
  for (const [cause, kind] of Object.entries(expected) as Array<[Exclude<PlantedCause, 'context-break' | 'context-lost-inside'>, Finding['kind']]>) {
    test(`planted ${cause} in a tenth of the traces: named first, by contributor and finding, and nothing false`, () => {
      for (const seed of [3, 4, 5]) {
        const planted = plantedSet(seed, 0.1);
        const { traces, indexOf } = foreignCheckout({ count: POPULATION, seed, cause: { kind: cause, traces: (i) => planted.has(i) } });
        const { matches, baseline } = splitBySlowness(traces);
        const peer = peerLabel(traces, cause);
        // The filter selects exactly the planted traces: the truth the answer is held to.
        assert.deepEqual(new Set(matches.map((t) => indexOf.get(t[0]!.traceId))), planted, `seed ${seed}`);
        const d = diagnose({ matches, baseline });
        const cause_ = CAUSE_OPERATIONS[cause];
        assert.equal(named(d.contributors[0]!), named(cause_), `seed ${seed}`);
        assert.equal(d.contributors[0]!.peer, peer);
        const top = d.findings[0];
        assert.ok(top, `seed ${seed}: no finding`);
        assert.deepEqual([top.kind, named(top), top.peer], [kind, named(cause_), peer], `seed ${seed}: ${describeFindings(d)}`);
        assert.equal(top.matchCount, planted.size);
        // Nothing false: every finding is about the planted call.
        for (const finding of d.findings) assert.equal(`${named(finding)} → ${finding.peer}`, `${named(cause_)} → ${peer}`, describeFindings(d));
        assert.ok(top.pValue < 0.01 / d.findings.length);
      }
    });
  }

  test('the peer is named by peer.service with its host, not by its address', () => {
    const planted = plantedSet(9, 0.1);
    const { traces } = foreignCheckout({ count: POPULATION, seed: 9, cause: { kind: 'slow-api', traces: (i) => planted.has(i) } });
    const d = diagnose(splitBySlowness(traces));
    const [finding] = d.findings;
    assert.equal(finding!.kind === 'no-timeout' && finding!.peer, 'Stripe (api.stripe.com)');
    assert.match(finding!.message, /^client calls payments › POST → Stripe \(api\.stripe\.com\) have no timeout/);
  });

  test('one slow call in as many matches as baseline traces is no finding (the "1 of 200 (1 of 200 baseline)" case)', () => {
    const { traces } = foreignCheckout({ count: POPULATION, seed: 11, cause: { kind: 'slow-api', traces: (i) => i === 17 || i === 300 } });
    const d = diagnose({ matches: traces.slice(0, 200), baseline: traces.slice(200) });
    assert.deepEqual(d.findings, [], describeFindings(d));
  });

  test('traces still missing their payments spans are counted, not compared: no spurious contributor', () => {
    const planted = plantedSet(13, 0.1);
    const arriving = new Set([...planted].slice(0, 3));
    const { traces, indexOf } = foreignCheckout({ count: POPULATION, seed: 13, cause: { kind: 'slow-api', traces: (i) => planted.has(i) }, arriving: (i) => arriving.has(i) });
    const { matches, baseline } = splitBySlowness(traces);
    // Without their payments spans the three are still slow: they match, and their time sits on orders' call to payments.
    assert.equal(matches.filter((t) => arriving.has(indexOf.get(t[0]!.traceId)!)).length, 3);
    const d = diagnose({ matches, baseline });
    assert.equal(d.counts.incompleteMatches, 3);
    assert.equal(d.counts.incompleteBaseline, 0);
    assert.equal(d.counts.matches, planted.size - 3);
    // Compared, the three would put their missing payments time on orders' call to payments (~7 s each, +0.5 s a trace).
    const toPayments = d.contributors.find((c) => c.service === 'orders' && c.peer === peerLabel(traces, 'context-break'));
    const change = toPayments?.changeNanos ?? 0n;
    assert.ok(change < 50_000_000n && change > -50_000_000n, `orders' call to payments changed by ${change} ns (tolerance ±50 ms: the healthy spread)`);
    assert.equal(named(d.findings[0]!), named(CAUSE_OPERATIONS['slow-api']));
    assert.equal(d.findings.length, 1, describeFindings(d));
  });

  test('traces without their root whose last span ended within the settle time are counted, not compared', () => {
    const { traces, endNanos } = foreignCheckout({ count: POPULATION, seed: 15 });
    const nowNanos = endNanos + 1_000_000_000n;
    const settleNanos = 10_000_000_000n;
    const lastEnd = (t: Span[]) => t.reduce((end, s) => (s.endTimeUnixNano > end ? s.endTimeUnixNano : end), 0n);
    // The canary's requests name a parent span that is never sent: until they settle, it may be on its way.
    const rootless = (t: Span[]) => t.some((s) => s.parentSpanId !== null && !t.some((p) => p.spanId === s.parentSpanId));
    const recent = (t: Span[]) => rootless(t) && lastEnd(t) > nowNanos - settleNanos;
    const d = diagnose({ matches: traces.slice(0, 100), baseline: traces.slice(100) }, { settleNanos });
    assert.equal(d.counts.incompleteBaseline, 0, 'without the time of asking, a missing root is a caller that reports no spans');
    const timed = diagnose({ matches: traces.slice(0, 100), baseline: traces.slice(100), nowNanos }, { settleNanos });
    assert.equal(timed.counts.incompleteBaseline, traces.slice(100).filter(recent).length);
    assert.ok(timed.counts.incompleteBaseline > 0);
    assert.equal(timed.counts.baseline + timed.counts.incompleteBaseline, 300);
  });

  describe('a context break planted in a tenth of the traces (payments starts its own trace, and is slow)', () => {
    const seed = 17;
    const planted = plantedSet(seed, 0.1);
    const { traces, indexOf } = foreignCheckout({ count: POPULATION, seed, cause: { kind: 'context-break', traces: (i) => planted.has(i) } });
    const { matches, baseline } = splitBySlowness(traces);
    /** The caller's side of each broken hop: the traces that went through orders. */
    const callerSide = matches.filter((t) => t.some((s) => s.resource.serviceName === 'orders'));

    const assertLedByBreak = (d: Diagnosis) => {
      const [first] = d.findings;
      assert.ok(first?.kind === 'context-dropped', describeFindings(d));
      assert.equal(first.hop, 'orders → payments');
      assert.equal(named(first), named(CAUSE_OPERATIONS['context-break']));
      assert.equal(first.peer, peerLabel(traces, 'context-break'));
      assert.equal(first.matchCount, callerSide.length);
      assert.equal(first.baselineCount, 0);
      assert.match(first.message, /^trace context dropped on orders → payments in \d+ of \d+ matching traces/);
      // The client call that waited on payments is the break's symptom, not a missing timeout.
      assert.ok(!d.findings.some((f) => f.kind === 'no-timeout' && f.service === 'orders'), describeFindings(d));
      // Nothing false: besides the break, only what slowed payments' own traces.
      for (const finding of d.findings.slice(1)) assert.equal(finding.service, 'payments', describeFindings(d));
      // The call that waited on payments is marked as the break's symptom where it holds critical time.
      const call = d.contributors.find((c) => named(c) === named(CAUSE_OPERATIONS['context-break']) && c.peer === peerLabel(traces, 'context-break'));
      assert.equal(call?.contextDroppedOn, 'orders → payments');
      assert.match(renderDiagnosis(d), /^First: trace context dropped on orders → payments in \d+ matching traces/m);
      // The broken traces are compared, not taken for incomplete ones.
      assert.equal(d.counts.incompleteMatches, 0);
    };

    test('the truth: both sides of every broken hop are slow and match', () => {
      assert.equal(callerSide.length, planted.size);
      assert.equal(matches.length, 2 * planted.size);
      assert.deepEqual(new Set(callerSide.map((t) => indexOf.get(t[0]!.traceId))), planted);
    });

    test('found from the traces themselves, it leads the diagnosis', () => {
      assertLedByBreak(diagnose({ matches, baseline }));
    });

    test('named by the propagation report (the map\'s dropped records), it leads the diagnosis, even with the callee\'s own traces out of sight', () => {
      const aggregator = new ServiceGraphAggregator({ pairWaitMs: 5_000 });
      aggregator.add(traces.flat(), 0);
      aggregator.expire(60_000);
      const map = buildServiceMap(aggregator.drain(), { startMs: 0, endMs: Number.MAX_SAFE_INTEGER });
      const breaks = knownBreaksOf(map);
      assert.deepEqual(breaks.map((b) => `${b.from.label} → ${b.to.label}`), ['orders → payments']);
      // Only the callers' traces read (a search limited to them, say): the report alone names the hop.
      const d = diagnose({ matches: callerSide, baseline, breaks });
      assertLedByBreak(d);
    });
  });

  test('context lost inside inventory in a tenth of the traces (its calls begin traces of their own): the hop the report names leads', () => {
    const seed = 19;
    const planted = plantedSet(seed, 0.1);
    const { traces } = foreignCheckout({ count: POPULATION, seed, cause: { kind: 'context-lost-inside', traces: (i) => planted.has(i) } });
    const aggregator = new ServiceGraphAggregator({ pairWaitMs: 5_000 });
    aggregator.add(traces.flat(), 0);
    aggregator.expire(60_000);
    const breaks = knownBreaksOf(buildServiceMap(aggregator.drain(), { startMs: 0, endMs: Number.MAX_SAFE_INTEGER }));
    const peer = peerLabel(traces, 'context-lost-inside');
    assert.deepEqual(breaks.map((b) => `${b.from.label} → ${b.to.label}`), [`inventory → ${peer}`]);
    const { matches, baseline } = splitBySlowness(traces);
    // The truth: the requests inventory served while the calls it lost began: the planted traces.
    const callerSide = matches.filter((t) => t.some((s) => s.resource.serviceName === 'inventory' && s.kind === 'server'));
    assert.equal(callerSide.length, planted.size);
    const d = diagnose({ matches, baseline, breaks });
    const [first] = d.findings;
    assert.ok(first?.kind === 'context-dropped', describeFindings(d));
    assert.equal(first.hop, `inventory → ${peer}`);
    assert.equal(first.matchCount, planted.size);
    assert.match(first.message, /inventory lost the context of the request it served before its calls inventory › GET/);
    // Nothing false: what else is reported is inventory's, the service that lost the context.
    for (const finding of d.findings) assert.equal(finding.service, 'inventory', describeFindings(d));
  });
});
