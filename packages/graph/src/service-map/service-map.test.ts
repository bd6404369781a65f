import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom, spanDuration, type Span } from '@stitch/model';
import { spanHasFlag } from '@stitch/query';
import { checkoutTraces } from '@stitch/test-support/fixtures';
import { percentile } from '../percentile.ts';
import { ServiceGraphAggregator } from './service-graph-aggregator.ts';
import { buildServiceMap, type MapNode, type ServiceMap } from './service-map.ts';

const TRACES = 300;

/** Spans as central sees them: shuffled across batches from many agents, arriving over a few seconds. */
function aggregate(traces: Span[][], seed: number): ServiceMap {
  const random = seededRandom(seed);
  const spans = traces.flat().sort(() => random() - 0.5);
  const aggregator = new ServiceGraphAggregator({ pairWaitMs: 5_000 });
  let now = 1_000_000;
  for (let i = 0; i < spans.length; ) {
    const size = 1 + Math.floor(random() * 200);
    aggregator.add(spans.slice(i, i + size), now);
    i += size;
    now += 10;
    aggregator.expire(now);
  }
  aggregator.expire(now + 60_000);
  const starts = spans.map((span) => Number(span.startTimeUnixNano / 1_000_000n));
  return buildServiceMap(aggregator.drain(), { startMs: Math.min(...starts) - 60_000, endMs: Math.max(...starts) + 60_000 });
}

const node = (map: ServiceMap, label: string): MapNode => {
  const found = map.nodes.find((n) => n.label === label);
  assert.ok(found, `node ${label} in ${map.nodes.map((n) => n.label).join(', ')}`);
  return found;
};
const edge = (map: ServiceMap, from: string, to: string) => {
  const found = map.edges.find((e) => e.from === node(map, from).id && e.to === node(map, to).id);
  assert.ok(found, `edge ${from} -> ${to}`);
  return found;
};

/** Tolerance: the reported quantile is at most the true (nearest-rank) one and less than 2 % below it. */
function assertQuantile(reported: bigint | null, values: bigint[], q: number, what: string): void {
  const truth = percentile(values, q)!;
  assert.ok(reported !== null && reported <= truth && Number(truth - reported) < 0.02 * Number(truth), `${what}: ${reported} ns should be within 2 % under the true ${truth} ns`);
}

describe('the service map, built incrementally from spans arriving in any order', () => {
  const traces = checkoutTraces(TRACES, 11, { stripeMs: [300, 9_000] });
  // Outcomes to count: some charges fail (503), some are throttled (429).
  for (const [i, trace] of traces.entries()) {
    const charge = trace.find((span) => span.kind === 'server' && span.resource.serviceName === 'payments')!;
    const call = trace.find((span) => span.spanId === charge.parentSpanId)!;
    const status = i % 10 === 0 ? 503 : i % 7 === 0 ? 429 : 200;
    for (const span of [charge, call]) span.http = { ...span.http, statusCode: status };
  }
  const map = aggregate(traces, 5);
  const all = traces.flat();

  test('a node per (account, service), and the un-instrumented peers inferred and named from their callers', () => {
    const services = map.nodes.filter((n) => n.inferred === null).map((n) => `${n.service}@${n.account}`).sort();
    const expected = [...new Set(all.map((s) => `${s.resource.serviceName}@${s.account.id}`))].sort();
    assert.deepEqual(services, expected);
    assert.equal(node(map, 'Stripe (api.stripe.com)').inferred, 'http');
    assert.equal(node(map, 'orders (dynamodb)').inferred, 'database');
    assert.equal(node(map, 'orders (dynamodb)').account, '777777777777', 'the table lives in the account its caller named');
    assert.equal(node(map, 'warehouse.internal').inferred, 'http');
    assert.deepEqual(map.propagation, [], 'nothing is broken in these traces');
  });

  test('edges: client→server pairs, the async producer→consumer hop, and calls to inferred peers', () => {
    assert.equal(edge(map, 'edge-gateway', 'checkout-orchestrator').connection, 'sync');
    // The message goes through its topic, drawn between producer and consumer.
    for (const [from, to] of [['checkout-orchestrator', 'order-events'], ['order-events', 'notifications']] as const) {
      const async = edge(map, from, to);
      assert.equal(async.connection, 'async');
      assert.equal(async.stats.requests, TRACES);
    }
    assert.equal(node(map, 'order-events').inferred, 'queue');
    assert.equal(edge(map, 'order-events', 'notifications').query, 'peer("order-events", "222222222222") AND service("notifications") { account = "555555555555" AND kind = "consumer" }');
    assert.equal(edge(map, 'payments', 'Stripe (api.stripe.com)').stats.requests, TRACES);
    assert.equal(edge(map, 'checkout-orchestrator', 'orders (dynamodb)').stats.requests, TRACES);
    assert.equal(edge(map, 'notifications', 'email').query, 'edge("notifications", "email") { account = "555555555555" }');
    assert.equal(map.edges.length, 10);
  });

  test('every statistic agrees with the same figure computed from the raw spans', () => {
    const calls = all.filter((s) => s.kind === 'client' && s.resource.serviceName === 'checkout-orchestrator' && s.name === 'POST /charges');
    const charges = edge(map, 'checkout-orchestrator', 'payments');
    assert.equal(charges.stats.requests, calls.length);
    assert.equal(charges.stats.faults, calls.filter((s) => spanHasFlag(s, 'fault')).length);
    assert.equal(charges.stats.throttles, calls.filter((s) => spanHasFlag(s, 'throttle')).length);
    assert.equal(charges.stats.errors, calls.filter((s) => spanHasFlag(s, 'error')).length);
    assert.ok(charges.stats.throttles > 0 && charges.stats.faults > 0);
    const durations = calls.map(spanDuration);
    for (const q of [0.5, 0.95, 0.99] as const) assertQuantile(charges.stats[q === 0.5 ? 'p50Nanos' : q === 0.95 ? 'p95Nanos' : 'p99Nanos'], durations, q, `edge p${q * 100}`);
    assert.equal(charges.stats.meanNanos, durations.reduce((a, b) => a + b, 0n) / BigInt(durations.length));

    const payments = node(map, 'payments');
    const served = all.filter((s) => s.kind === 'server' && s.resource.serviceName === 'payments');
    assert.equal(payments.stats.requests, served.length);
    assert.equal(payments.stats.faultRate, served.filter((s) => spanHasFlag(s, 'fault')).length / served.length);
    assertQuantile(payments.stats.p99Nanos, served.map(spanDuration), 0.99, 'node p99');
    assert.equal(payments.stats.health, 'red', `fault rate ${payments.stats.faultRate} is over 5 %`);
    assert.equal(node(map, 'pricing').stats.health, 'green');
  });

  test('the same map whichever order and batches the spans come in', () => {
    const again = aggregate(traces, 99);
    assert.deepEqual(
      again.edges.map((e) => [e.from, e.to, e.stats.requests, e.stats.p50Nanos, e.stats.p95Nanos, e.stats.p99Nanos]),
      map.edges.map((e) => [e.from, e.to, e.stats.requests, e.stats.p50Nanos, e.stats.p95Nanos, e.stats.p99Nanos]),
    );
  });
});

describe('broken propagation, located at the hop', () => {
  test('a service that ignores the incoming trace context: named between its caller and itself, with examples', () => {
    const traces = checkoutTraces(100, 12);
    for (const [i, trace] of traces.entries()) {
      // inventory starts its own trace: its server span (and what it did) under a new id, without a parent.
      const reservation = trace.find((s) => s.kind === 'server' && s.resource.serviceName === 'inventory')!;
      const newTraceId = `eeee${i.toString(16).padStart(28, '0')}`;
      const moved = new Set([reservation.spanId]);
      for (const span of trace) if (span.parentSpanId !== null && moved.has(span.parentSpanId)) moved.add(span.spanId);
      reservation.parentSpanId = null;
      for (const span of trace) if (moved.has(span.spanId)) span.traceId = newTraceId;
      // The client asked for the path the server answered.
      const call = trace.find((s) => s.kind === 'client' && s.name === 'POST /reservations')!;
      call.attributes = { ...call.attributes, 'url.path': '/reservations' };
      reservation.attributes = { ...reservation.attributes, 'url.path': '/reservations' };
    }
    const map = aggregate(traces, 3);
    const dropped = map.propagation.find((p) => p.kind === 'context-dropped');
    assert.ok(dropped, JSON.stringify(map.propagation));
    assert.equal(dropped.from, node(map, 'checkout-orchestrator').id);
    assert.equal(dropped.to, node(map, 'inventory').id);
    assert.equal(dropped.count, 100);
    assert.match(dropped.message, /^trace context dropped between checkout-orchestrator and inventory/);
    assert.ok(dropped.exampleTraceIds.some((id) => id.startsWith('eeee')) && dropped.exampleTraceIds.some((id) => !id.startsWith('eeee')), 'examples from both sides');
    // The callee's trace-starting entry spans are the same break, not a second finding.
    assert.equal(map.propagation.length, 1, JSON.stringify(map.propagation));
    assert.ok(!map.nodes.some((n) => n.label === 'inventory.internal'), 'the callee is known: no phantom peer');
    assert.equal(map.propagation.filter((p) => p.kind === 'context-dropped').length, 1, 'only that hop');
  });

  test('server spans whose calling span never arrives are reported for their service', () => {
    const traces = checkoutTraces(40, 13).map((trace) => trace.filter((s) => !(s.kind === 'client' && s.name === 'POST /quotes')));
    const map = aggregate(traces, 4);
    const orphan = map.propagation.find((p) => p.kind === 'parent-never-arrived');
    assert.ok(orphan, JSON.stringify(map.propagation));
    assert.equal(orphan.to, node(map, 'pricing').id);
    assert.equal(orphan.count, 40);
    const ids = new Set(traces.map((trace) => trace[0]!.traceId));
    assert.ok(orphan.exampleTraceIds.length >= 1 && orphan.exampleTraceIds.every((id) => ids.has(id)), 'examples are traces of the set');
  });

  test('a service that loses the context inside (its outgoing call starts a new trace): the hop out of it is named', () => {
    const traces = checkoutTraces(30, 14);
    for (const [i, trace] of traces.entries()) {
      const stock = trace.find((s) => s.name === 'GET /stock')!;
      stock.parentSpanId = null;
      stock.traceId = `dddd${i.toString(16).padStart(28, '0')}`;
    }
    const map = aggregate(traces, 6);
    const dropped = map.propagation.filter((p) => p.kind === 'context-dropped');
    assert.equal(dropped.length, 1, JSON.stringify(map.propagation));
    assert.equal(dropped[0]!.from, node(map, 'inventory').id);
    assert.equal(dropped[0]!.to, node(map, 'warehouse.internal').id);
    assert.equal(dropped[0]!.count, 30);
    assert.match(dropped[0]!.message, /between inventory and warehouse\.internal/);
  });
});
