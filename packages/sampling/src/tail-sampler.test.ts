import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos, seededRandom, type Span } from '@stitch/model';
import { DEFAULT_TAIL_POLICIES, parseTailPolicies, TailSampler } from './tail-sampler.ts';

const T0 = 1_800_000_000_000n * 1_000_000n;
const ms = (value: number) => nanos(T0 + BigInt(Math.round(value * 1000)) * 1000n);

/** A three-span trace (gateway → checkout → payments) of the given length and outcome. */
function trace(i: number, durationMs: number, outcome: 'ok' | 'fault' | 'throttle'): Span[] {
  const traceId = i.toString(16).padStart(32, '0');
  const start = i * 100;
  const root = makeSpan({ traceId, spanId: `${i.toString(16).padStart(12, '0')}0001`, parentSpanId: null, kind: 'server', startTimeUnixNano: ms(start), endTimeUnixNano: ms(start + durationMs), resource: { serviceName: 'edge', attributes: {} } });
  const checkout = makeSpan({ traceId, spanId: `${i.toString(16).padStart(12, '0')}0002`, parentSpanId: root.spanId, kind: 'server', startTimeUnixNano: ms(start + 1), endTimeUnixNano: ms(start + durationMs - 1), resource: { serviceName: 'checkout', attributes: {} } });
  const status = outcome === 'fault' ? 503 : outcome === 'throttle' ? 429 : 200;
  const payments = makeSpan({ traceId, spanId: `${i.toString(16).padStart(12, '0')}0003`, parentSpanId: checkout.spanId, kind: 'server', startTimeUnixNano: ms(start + 2), endTimeUnixNano: ms(start + durationMs - 2), resource: { serviceName: 'payments', attributes: {} }, http: { method: 'POST', route: '/charges', url: null, statusCode: status } });
  return [root, checkout, payments];
}

test('tail policies keep every error and slow trace of a mixed stream, and their share of the rest', () => {
  const random = seededRandom(7);
  const kinds = Array.from({ length: 1_000 }, (_, i) => (i % 10 === 0 ? 'fault' : i % 10 === 1 ? 'throttle' : i % 10 === 2 ? 'slow' : 'ok'));
  const traces = kinds.map((kind, i) => trace(i, kind === 'slow' ? 2_500 + random() * 5_000 : 50 + random() * 900, kind === 'fault' ? 'fault' : kind === 'throttle' ? 'throttle' : 'ok'));
  const sampler = new TailSampler({ keepErrors: true, slowerThan: [{ thresholdMs: 2_000, service: 'payments', route: '/charges' }], probability: 0.2, idleMs: 5_000 });
  // Spans of a trace arrive from three agents, shuffled, over a few seconds.
  const spans = traces.flat().sort(() => random() - 0.5);
  let now = 0;
  const kept: Span[][] = [];
  for (let i = 0; i < spans.length; i += 100) {
    sampler.add(spans.slice(i, i + 100), now);
    now += 100;
    kept.push(...sampler.decide(now, random));
  }
  assert.ok(sampler.waitingSpans > 0, 'the newest traces are still waiting for their last spans');
  kept.push(...sampler.decide(now + 5_000, random));
  assert.equal(sampler.waitingSpans, 0);

  const keptIds = new Set(kept.map((spans) => spans[0]!.traceId));
  const idsOf = (kind: string) => traces.filter((_, i) => kinds[i] === kind).map((spans) => spans[0]!.traceId);
  for (const kind of ['fault', 'throttle', 'slow']) assert.ok(idsOf(kind).every((id) => keptIds.has(id)), `every ${kind} trace kept`);
  assert.ok(kept.every((spans) => spans.length === 3), 'kept traces are whole: decided only once complete');
  const ok = idsOf('ok');
  const share = ok.filter((id) => keptIds.has(id)).length / ok.length;
  assert.ok(Math.abs(share - 0.2) < 0.05, `${share} of the healthy traces kept`);
  assert.deepEqual(sampler.counts.kept, { errors: 200, slow: 100, probabilistic: keptIds.size - 300 });
  assert.equal(sampler.counts.droppedTraces, 1_000 - keptIds.size);
  assert.equal(sampler.counts.droppedSpans, 3 * (1_000 - keptIds.size));
});

test('a slow-trace policy for one service leaves slow traces elsewhere to the probabilistic share', () => {
  const sampler = new TailSampler({ keepErrors: false, slowerThan: [{ thresholdMs: 2_000, service: 'pricing' }], probability: 0, idleMs: 1_000 });
  sampler.add(trace(1, 5_000, 'fault'), 0);
  assert.deepEqual(sampler.decide(500, () => 0.5), [], 'not complete yet');
  assert.deepEqual(sampler.decide(1_000, () => 0.5), [], 'slow and failing, but neither policy applies');
  assert.equal(sampler.counts.droppedTraces, 1);
});

test('tail policies from the command line: a subset over the defaults, a bad field named', () => {
  assert.deepEqual(parseTailPolicies('{"probability": 0.05, "slowerThan": [{"thresholdMs": 2000, "service": "checkout"}]}'), {
    ...DEFAULT_TAIL_POLICIES,
    probability: 0.05,
    slowerThan: [{ thresholdMs: 2000, service: 'checkout' }],
  });
  assert.throws(() => parseTailPolicies('{"probability": 2}'), /^Error: tail-sampling\.probability: /);
  assert.throws(() => parseTailPolicies('{"slowerThan": [{"thresholdMs": -1}]}'), /^Error: tail-sampling\.slowerThan\.0\.thresholdMs: /);
  assert.throws(() => parseTailPolicies('{"keep": true}'), /^Error: tail-sampling: /);
  assert.throws(() => parseTailPolicies('nope'), /not JSON/);
});

/**
 * Waiting traces looked at per trace decided, with `held` traces waiting that are not due: each
 * look reads the idle policy once (a proxy counts the reads).
 */
function looksPerDecidedTrace(held: number): number {
  let looks = 0;
  const policies = new Proxy(
    { ...DEFAULT_TAIL_POLICIES, probability: 1, idleMs: 5_000 },
    {
      get: (target, name, receiver) => {
        if (name === 'idleMs') looks++;
        return Reflect.get(target, name, receiver);
      },
    },
  );
  const sampler = new TailSampler(policies);
  const spanOf = (i: number) => makeSpan({ traceId: i.toString(16).padStart(32, '0'), startTimeUnixNano: ms(0), endTimeUnixNano: ms(1) });
  // One trace a millisecond; more spans of a trace keep it waiting (it moves to the back).
  for (let i = 0; i < held; i++) sampler.add([spanOf(i), spanOf(Math.max(0, i - 5))], i);
  looks = 0;
  let decided = 0;
  for (let round = 0; round < 200; round++) {
    const nowMs = held + round * 10;
    for (let i = 0; i < 10; i++) sampler.add([spanOf(held + round * 10 + i)], nowMs);
    decided += sampler.decide(nowMs + 5_000 - held, () => 0).length;
  }
  assert.ok(decided >= 1_000, `traces decided: ${decided}`);
  return looks / decided;
}

test('deciding reads as few waiting traces with 100,000 waiting as with 1,000 (within 2x): only the due ones and the first not due', () => {
  const few = looksPerDecidedTrace(1_000);
  const some = looksPerDecidedTrace(10_000);
  const many = looksPerDecidedTrace(100_000);
  assert.ok(some <= 2 * few && many <= 2 * few, `traces looked at per trace decided: ${few} with 1,000 waiting, ${some} with 10,000, ${many} with 100,000`);
});
