import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkoutTraces, foreignCheckout } from '@stitch/test-support/fixtures';
import { ServiceGraphAggregator } from '@stitch/graph';
import { spansToBatch } from '@stitch/model';
import { openDuckDbStore } from '@stitch/store-duckdb';
import type { CentralStore } from '@stitch/store';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';

// checkoutTraces start within 10 minutes of this instant.
const T0_MS = 1_764_000_000_000;

describe('diagnose API', () => {
  let central: TestCentral;
  let store: CentralStore;

  before(async () => {
    store = await openDuckDbStore({ path: ':memory:' });
    const healthy = checkoutTraces(40, 1);
    const stripeTail = checkoutTraces(12, 2, { stripeMs: [8_000, 10_000] });
    await store.writeBatch(spansToBatch([...healthy, ...stripeTail].flat()));
    central = await startTestCentral({ store, now: () => T0_MS + 15 * 60_000 });
  });
  after(() => central.stop());

  const get = async (path: string) => {
    const response = await fetch(`${central.url}${path}`);
    return { status: response.status, body: await response.json() };
  };

  test('names the slow external call as the culprit of the slow traces, against the baseline', async () => {
    const { status, body } = await get(`/api/diagnose?q=${encodeURIComponent('duration > 5')}`);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.diagnosis.counts.matches, 12);
    assert.equal(body.diagnosis.counts.baseline, 40);
    const top = body.diagnosis.contributors[0];
    assert.deepEqual([top.service, top.operation, top.account.label], ['payments', 'Stripe API call', 'payments']);
    assert.ok(top.share > 0.5, `share ${top.share}`);
    assert.equal(top.matchTraces, 12);
    assert.ok(body.diagnosis.findings.some((f: { kind: string; operation: string }) => f.kind === 'no-timeout' && f.operation === 'Stripe API call'));
    assert.match(body.report, /payments › Stripe API call/);
  });

  test('a trace carries its critical path: the slow call is on it', async () => {
    const { body: search } = await get(`/api/traces?limit=1&q=${encodeURIComponent('duration > 5')}`);
    const { body } = await get(`/api/traces/${search.traces[0].traceId}`);
    const stripe = body.spans.find((s: { name: string }) => s.name === 'Stripe API call');
    assert.equal(stripe.critical, true);
    assert.ok(BigInt(stripe.criticalNanos) > 7_000_000_000n);
    const covered = body.criticalPath.segments.reduce((sum: bigint, s: { startNanos: string; endNanos: string }) => sum + BigInt(s.endNanos) - BigInt(s.startNanos), 0n);
    assert.equal(covered, BigInt(body.criticalPath.totalNanos));
  });

  test('bad input is a 400 naming the parameter', async () => {
    for (const [query, pattern] of [
      ['', /^q: required/],
      [`q=${encodeURIComponent('duration >=')}`, /^q: column 12/],
      [`q=fault&limit=5000`, /^limit/],
      [`q=fault&colour=red`, /^colour/],
    ] as const) {
      const { status, body } = await get(`/api/diagnose?${query}`);
      assert.equal(status, 400, query);
      assert.match(body.error, pattern, query);
    }
  });
});

describe('diagnose API on stock-OpenTelemetry-shaped traces with a context break', () => {
  let central: TestCentral;
  let store: CentralStore;
  const planted = new Set(Array.from({ length: 200 }, (_, i) => i).filter((i) => i % 10 === 3));
  // The newest three: asked 5 s after the last span, within the settle time (30 s) of every trace.
  const arriving = new Set([197, 198, 199]);
  const generated = foreignCheckout({ count: 200, seed: 41, cause: { kind: 'context-break', traces: (i) => planted.has(i) }, arriving: (i) => arriving.has(i), canary: false });
  const endMs = Number(generated.endNanos / 1_000_000n);

  before(async () => {
    store = await openDuckDbStore({ path: ':memory:' });
    await store.writeBatch(spansToBatch(generated.traces.flat()));
    // The map's records, as central's ingest would have counted them.
    const aggregator = new ServiceGraphAggregator({ pairWaitMs: 5_000 });
    aggregator.add(generated.traces.flat(), 0);
    aggregator.expire(60_000);
    await store.writeGraphRecords(aggregator.drain());
    central = await startTestCentral({ store, now: () => endMs + 5_000 });
  });
  after(() => central.stop());

  test('leads with the hop the propagation report names, counts the traces still arriving, and says both in the report', async () => {
    const response = await fetch(`${central.url}/api/diagnose?q=${encodeURIComponent('duration > 1.2')}&limit=1000`);
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    const [first] = body.diagnosis.findings;
    assert.equal(first.kind, 'context-dropped');
    assert.equal(first.hop, 'orders → payments');
    assert.equal(first.matchCount, planted.size);
    assert.ok(!body.diagnosis.findings.some((f: { kind: string; service: string }) => f.kind === 'no-timeout' && f.service === 'orders'));
    // The three traces missing their payments spans are healthy otherwise: they would have been baseline.
    assert.equal(body.diagnosis.counts.incompleteBaseline, arriving.size);
    assert.equal(body.diagnosis.counts.incompleteMatches, 0);
    assert.equal(body.diagnosis.counts.baseline, 200 - planted.size - arriving.size);
    assert.match(body.report, /^3 traces still arriving, not compared \(0 matching, 3 baseline\)$/m);
    assert.match(body.report, /^ {2}context-dropped {2}trace context dropped on orders → payments/m);
  });
});
