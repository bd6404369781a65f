import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spanDuration, type Span } from '@stitch/model';
import { spanHasFlag } from '@stitch/query';
import { DIRECT, edgeBetween, mapOf, newTraceId, nodeLabelled, stockSpan } from './stock-otel-spans.ts';

const ACCOUNT = { edge: '111111111111', checkout: '222222222222', payments: '444444444444' };
const mean = (spans: Span[]) => spans.map(spanDuration).reduce((a, b) => a + b, 0n) / BigInt(spans.length);

describe('stock OpenTelemetry without client spans: a server span whose parent is another service’s server span', () => {
  const TRACES = 40;
  const spans: Span[] = [];
  const checkouts: Span[] = [];
  const charges: Span[] = [];
  for (let i = 0; i < TRACES; i++) {
    const traceId = newTraceId();
    const at = i * 1_000;
    // Old semantic-convention names on the gateway, new ones behind it.
    const gateway = stockSpan({ traceId, service: 'edge-gateway', cloudAccount: ACCOUNT.edge, kind: 'server', name: 'POST /checkout', startMs: at, durationMs: 400, attributes: { 'http.method': 'POST', 'http.target': '/checkout', 'http.status_code': 200 } });
    const checkout = stockSpan({ traceId, parent: gateway, service: 'checkout-orchestrator', cloudAccount: ACCOUNT.checkout, kind: 'server', name: 'POST /orders', startMs: at + 5, durationMs: 300 + i, attributes: { 'http.request.method': 'POST', 'url.path': '/orders', 'http.response.status_code': i % 8 === 0 ? 503 : 200 } });
    // Middleware nesting inside one service: a server span under a server span of its own service.
    const nested = stockSpan({ traceId, parent: checkout, service: 'checkout-orchestrator', cloudAccount: ACCOUNT.checkout, kind: 'server', name: 'middleware', startMs: at + 6, durationMs: 290 });
    // One request, two functions invoked by it: two children of one parent.
    const charge = stockSpan({ traceId, parent: nested, service: 'payments', cloudAccount: ACCOUNT.payments, kind: 'server', name: 'POST /charges', startMs: at + 10, durationMs: 100 + 2 * i, attributes: { 'http.request.method': 'POST', 'url.path': '/charges' } });
    const refund = stockSpan({ traceId, parent: nested, service: 'payments', cloudAccount: ACCOUNT.payments, kind: 'server', name: 'POST /holds', startMs: at + 150, durationMs: 20 });
    spans.push(gateway, checkout, nested, charge, refund);
    checkouts.push(checkout);
    charges.push(charge, refund);
  }

  for (const seed of [1, 2, 3]) {
    test(`edges parent service → child service, counted like calls, whatever the arrival order (seed ${seed})`, () => {
      const map = mapOf(spans, seed);
      const gateway = nodeLabelled(map, 'edge-gateway');
      const checkout = nodeLabelled(map, 'checkout-orchestrator');
      const payments = nodeLabelled(map, 'payments');
      const first = edgeBetween(map, gateway, checkout);
      assert.ok(first, JSON.stringify(map.edges.map((e) => [e.from, e.to])));
      assert.equal(first.connection, 'sync');
      assert.equal(first.stats.requests, TRACES);
      assert.equal(first.stats.faults, checkouts.filter((s) => spanHasFlag(s, 'fault')).length);
      // No client span timed the call: the callee's duration stands in for its latency.
      assert.equal(first.stats.meanNanos, mean(checkouts));
      const second = edgeBetween(map, checkout, payments);
      assert.equal(second?.stats.requests, charges.length, 'both children of one parent counted');
      assert.equal(second?.stats.meanNanos, mean(charges));
      assert.equal(edgeBetween(map, checkout, checkout), null, 'nesting inside one service is no hop');
      assert.equal(map.edges.length, 2);
      assert.deepEqual(map.propagation, [], 'every parent arrived: nothing is broken');
      assert.equal(checkout.stats.requests, 2 * TRACES, 'the node counts every entry span of the service');
    });
  }

  test('a server span whose parent never arrives is still reported', () => {
    const lost = spans.filter((span) => span.name !== 'POST /checkout');
    const map = mapOf(lost, 4);
    const orphan = map.propagation.filter((p) => p.kind === 'parent-never-arrived');
    assert.equal(orphan.length, 1, JSON.stringify(map.propagation));
    assert.equal(orphan[0]!.to, nodeLabelled(map, 'checkout-orchestrator').id);
    assert.equal(orphan[0]!.count, TRACES);
  });
});

describe('an entry service called by outside clients without context and by an instrumented canary with it', () => {
  const spans: Span[] = [];
  for (let i = 0; i < 60; i++) {
    const traceId = newTraceId();
    const at = i * 500;
    if (i % 4 === 0) {
      const canary = stockSpan({ traceId, service: 'canary', kind: 'internal', name: 'checkout canary', startMs: at, durationMs: 300 });
      const call = stockSpan({ traceId, parent: canary, service: 'canary', kind: 'client', name: 'POST', startMs: at + 1, durationMs: 250, attributes: { 'http.request.method': 'POST', 'server.address': 'gateway.example.com', 'url.full': 'https://gateway.example.com/checkout' } });
      spans.push(canary, call, stockSpan({ traceId, parent: call, service: 'edge-gateway', kind: 'server', name: 'POST /checkout', startMs: at + 2, durationMs: 240, attributes: { 'url.path': '/checkout' } }));
    } else {
      // A shopper's browser: no trace context, so the gateway's span begins the trace.
      spans.push(stockSpan({ traceId, service: 'edge-gateway', kind: 'server', name: 'POST /checkout', startMs: at + 2, durationMs: 240, attributes: { 'url.path': '/checkout' } }));
    }
  }

  test('raises no propagation finding', () => {
    const map = mapOf(spans, 5);
    assert.equal(edgeBetween(map, nodeLabelled(map, 'canary'), nodeLabelled(map, 'edge-gateway'))?.stats.requests, 15);
    assert.deepEqual(map.propagation, []);
  });
});

test('an entry span under an internal span: of its own service no hop, of another a call; never a parent that did not arrive', () => {
  const spans: Span[] = [];
  for (let i = 0; i < 10; i++) {
    const traceId = newTraceId();
    const poll = stockSpan({ traceId, service: 'notifications', kind: 'internal', name: 'poll', startMs: i * 100, durationMs: 50 });
    const process = stockSpan({ traceId, parent: poll, service: 'notifications', kind: 'consumer', name: 'order-events process', startMs: i * 100 + 1, durationMs: 40 });
    const job = stockSpan({ traceId, parent: process, service: 'notifications', kind: 'internal', name: 'render', startMs: i * 100 + 2, durationMs: 20 });
    spans.push(poll, process, job, stockSpan({ traceId, parent: job, service: 'email', kind: 'server', name: 'POST /emails', startMs: i * 100 + 3, durationMs: 10 }));
  }
  const map = mapOf(spans, 8);
  assert.deepEqual(map.propagation, []);
  assert.equal(edgeBetween(map, nodeLabelled(map, 'notifications'), nodeLabelled(map, 'email'))?.stats.requests, 10);
  assert.equal(map.edges.length, 1);
});

test('a batch consumer linked to the messages it received (not their child): an edge from the topic, no finding', () => {
  const spans: Span[] = [];
  const batch = newTraceId();
  const producers: Span[] = [];
  for (let i = 0; i < 12; i++) {
    const traceId = newTraceId();
    const request = stockSpan({ traceId, service: 'orders', cloudAccount: ACCOUNT.checkout, kind: 'server', name: 'POST /orders', startMs: i * 10, durationMs: 8 });
    const publish = stockSpan({ traceId, parent: request, service: 'orders', cloudAccount: ACCOUNT.checkout, kind: 'producer', name: 'jobs send', startMs: i * 10 + 1, durationMs: 2, attributes: { 'messaging.system': 'aws_sqs', 'messaging.destination.name': 'jobs' } });
    spans.push(request, publish);
    producers.push(publish);
  }
  for (const [i, receive] of [producers.slice(0, 7), producers.slice(7)].entries()) {
    const consumer = stockSpan({ traceId: i === 0 ? batch : newTraceId(), service: 'worker', cloudAccount: ACCOUNT.payments, kind: 'consumer', name: 'jobs process', startMs: 500 + i * 100, durationMs: 40 });
    consumer.links = receive.map((p) => ({ traceId: p.traceId, spanId: p.spanId, traceState: '', attributes: {} }));
    spans.push(consumer);
  }
  const map = mapOf(spans, 9);
  const topic = nodeLabelled(map, 'jobs (aws_sqs)');
  assert.equal(topic.account, ACCOUNT.checkout, 'the queue of the producer’s account');
  assert.equal(edgeBetween(map, nodeLabelled(map, 'orders'), topic)?.stats.requests, 12);
  assert.equal(edgeBetween(map, topic, nodeLabelled(map, 'worker'))?.stats.requests, 12, 'one per message received');
  assert.deepEqual(map.propagation, []);
});

test('a background call of a busy service (a long poll outlasting its requests) is no context dropped inside it', () => {
  const spans: Span[] = [];
  for (let i = 0; i < 50; i++) spans.push(stockSpan({ traceId: newTraceId(), service: 'inventory', kind: 'server', name: 'GET /stock', startMs: i * 100, durationMs: 80 }));
  // Outside any request's context: a trace of its own, as stock http instrumentation makes it.
  for (let i = 0; i < 3; i++) spans.push(stockSpan({ traceId: newTraceId(), service: 'inventory', kind: 'client', name: 'GET', startMs: 10 + i * 1_500, durationMs: 1_400, attributes: { 'url.full': 'https://config.example.com/poll' } }));
  assert.deepEqual(mapOf(spans, 6).propagation, []);
});

describe('inferred peers', () => {
  const traceId = newTraceId();
  const caller = (service: string, cloudAccount: string) => stockSpan({ traceId, service, cloudAccount, kind: 'server', name: 'GET /', startMs: 0, durationMs: 1_000 });
  const api = caller('orders-api', ACCOUNT.checkout);
  const billing = caller('billing', ACCOUNT.payments);
  const call = (parent: Span, name: string, attributes: Record<string, string | number | string[]>, status = 200) =>
    stockSpan({ traceId, parent, service: parent.resource.serviceName, cloudAccount: parent.resource.attributes['cloud.account.id'] as string, kind: 'client', name, startMs: 10, durationMs: 50, attributes: { ...attributes, 'http.response.status_code': status } });
  const spans: Span[] = [api, billing];
  // A queue and an API on one host, told apart by port: new names for one, old names for the other.
  for (let i = 0; i < 10; i++) spans.push(call(api, 'POST', { 'server.address': '127.0.0.1', 'server.port': 33103, 'url.full': 'http://127.0.0.1:33103/send' }, i < 5 ? 503 : 200));
  for (let i = 0; i < 10; i++) spans.push(call(api, 'POST', { 'net.peer.name': '127.0.0.1', 'net.peer.port': '33104', 'http.url': 'http://127.0.0.1:33104/charge' }));
  // A port known only from the URL.
  spans.push(call(api, 'GET', { 'url.full': 'http://127.0.0.1:33105/health' }));
  // Stripe from both accounts, its default port named or not: one node, no account.
  spans.push(call(api, 'POST', { 'server.address': 'api.stripe.com', 'server.port': 443, 'url.full': 'https://api.stripe.com/v1/charges', 'peer.service': 'Stripe' }));
  spans.push(call(billing, 'POST', { 'url.full': 'https://api.stripe.com/v1/refunds', 'peer.service': 'Stripe' }));
  // A table of one name in two accounts, the account only on the callers' resources.
  spans.push(call(api, 'PutItem', { 'db.system': 'dynamodb', 'aws.dynamodb.table_names': ['orders'] }));
  spans.push(call(billing, 'PutItem', { 'db.system': 'dynamodb', 'aws.dynamodb.table_names': ['orders'] }));
  spans.push(call(billing, 'GetItem', { 'db.system': 'dynamodb', 'aws.dynamodb.table_names': ['orders'], 'cloud.account.id': '777777777777' }));
  const map = mapOf(spans);

  test('HTTP peers on one host are keyed by port when it is not the default, and labelled with it', () => {
    const queue = nodeLabelled(map, '127.0.0.1:33103');
    const charges = nodeLabelled(map, '127.0.0.1:33104');
    assert.equal(queue.stats.requests, 10);
    assert.equal(queue.stats.faultRate, 0.5);
    assert.equal(charges.stats.requests, 10);
    assert.equal(charges.stats.faultRate, 0);
    assert.equal(nodeLabelled(map, '127.0.0.1:33105').stats.requests, 1);
    assert.ok(!map.nodes.some((n) => n.label === '127.0.0.1'));
  });

  test('an external API is one node without an account, named by peer.service', () => {
    const stripe = nodeLabelled(map, 'Stripe (api.stripe.com)');
    assert.equal(stripe.account, '');
    assert.equal(stripe.service, 'api.stripe.com');
    assert.equal(stripe.stats.requests, 2);
  });

  test('a table lives in the account its call names, else in its caller’s (from the resource)', () => {
    assert.equal(nodeLabelled(map, 'orders (dynamodb)', ACCOUNT.checkout).stats.requests, 1);
    assert.equal(nodeLabelled(map, 'orders (dynamodb)', ACCOUNT.payments).stats.requests, 1);
    assert.equal(nodeLabelled(map, 'orders (dynamodb)', '777777777777').stats.requests, 1);
    assert.equal(DIRECT.id, api.account.id, 'the transport gave no account of its own');
  });
});
