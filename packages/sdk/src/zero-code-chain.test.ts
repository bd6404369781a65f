// Five processes traced with no tracing code (`node --import tsx --import @stitch/sdk/auto`), one
// request through all of them, and what a real central stored of it:
//
//   test ──http──▶ storefront ─fetch─▶ orders ─http.request─▶ inventory ─fetch─▶ pricing
//                   (both)            (X-Ray only)            (W3C only)         (both)
//                                        │ SNS-style publish                       ▲
//                                        ▼                                         │ http.request
//                               broker (this process) ──stdin──▶ fulfilment ───────┘
//                                                                 (both, consumer)
//
// orders writes only X-Amzn-Trace-Id, which inventory (writing only traceparent) must continue;
// the message carries only the X-Ray header too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { SpanJson } from '@stitch/model';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { CHAIN_SERVICE_SCRIPT, httpJson, listenOnLoopback, MESSAGE_CONSUMER_SCRIPT, startZeroCode, type HopAnswer, type Notification, type ProcessEnd, type TraceHeaders, type ZeroCodeProcess } from '@stitch/test-support/sdk';

interface ServiceSpec {
  account: { id: string; label: string };
  /** STITCH_PROPAGATORS; unset means the default (both). */
  propagators?: 'w3c' | 'xray';
  /** The next service, called on every request; or, for the consumer, from each message. */
  calls?: { service: string; with: 'fetch' | 'http' };
  publishes?: boolean;
  consumer?: boolean;
}

// In start order: each service's downstream is listening before it starts.
const SERVICES: Record<string, ServiceSpec> = {
  pricing: { account: { id: '444444444444', label: 'pricing' } },
  inventory: { account: { id: '333333333333', label: 'warehouse' }, propagators: 'w3c', calls: { service: 'pricing', with: 'fetch' } },
  fulfilment: { account: { id: '555555555555', label: 'fulfilment' }, calls: { service: 'pricing', with: 'http' }, consumer: true },
  orders: { account: { id: '222222222222', label: 'orders' }, propagators: 'xray', calls: { service: 'inventory', with: 'http' }, publishes: true },
  storefront: { account: { id: '111111111111', label: 'web' }, calls: { service: 'orders', with: 'fetch' } },
};
const START_STAGES = [['pricing'], ['inventory', 'fulfilment'], ['orders'], ['storefront']];
// storefront server, client; orders server, client, producer, client (publish); inventory server,
// client; pricing server twice; fulfilment consumer, client.
const EXPECTED_SPANS = 12;

type StoredSpan = SpanJson & { depth: number };

let central: TestCentral;
let broker: Server;
let brokerUrl: string;
const processes = new Map<string, ZeroCodeProcess>();
const urls = new Map<string, string>();
const published: Notification[] = [];
let answer: HopAnswer;
let consumed: { notification: Notification; answer: HopAnswer };
let traceId: string;
let spans: StoredSpan[];
/** How each process ended when stopped right after the request. */
const ends = new Map<string, ProcessEnd>();
/** Every trace central holds: a break in propagation would show as a second one. */
let storedTraceIds: string[];

function startService(name: string): Promise<unknown> {
  const spec = SERVICES[name]!;
  const env: Record<string, string> = {
    STITCH_SERVICE_NAME: name,
    STITCH_ACCOUNT_ID: spec.account.id,
    STITCH_ACCOUNT_LABEL: spec.account.label,
    STITCH_AGENT_ENDPOINT: central.url,
    STITCH_SAMPLES_PER_SECOND: '100000',
    ...(spec.propagators && { STITCH_PROPAGATORS: spec.propagators }),
    ...(spec.calls && { HOP_DOWNSTREAM: urls.get(spec.calls.service)!, HOP_CLIENT: spec.calls.with }),
    ...(spec.publishes && { HOP_BROKER: brokerUrl }),
  };
  const child = startZeroCode(name, spec.consumer ? MESSAGE_CONSUMER_SCRIPT : CHAIN_SERVICE_SCRIPT, env);
  processes.set(name, child);
  if (spec.consumer) return child.waitForLine(/^ready$/);
  return child.waitForLine(/^listening on (http:\S+)$/).then((match) => urls.set(name, match[1]!));
}

/** The broker: takes SNS-style publishes over HTTP and hands each to the consumer on its stdin. */
async function startBroker(): Promise<void> {
  broker = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const notification = JSON.parse(body) as Notification;
      published.push(notification);
      processes.get('fulfilment')!.writeLine(JSON.stringify(notification));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ MessageId: String(published.length) }));
    });
  });
  brokerUrl = await listenOnLoopback(broker);
}

/** The spans central holds of the trace, once `count` have arrived or the deadline has passed (the tests then say what is missing). */
async function storedTrace(id: string, count: number, timeoutMs: number): Promise<StoredSpan[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${central.url}/api/traces/${id}`);
    const stored = response.ok ? ((await response.json()) as { spans: StoredSpan[] }).spans : [];
    if (stored.length >= count || Date.now() > deadline) return stored;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const traceIdOf = (headers: TraceHeaders): string | undefined =>
  headers.traceparent?.split('-')[1] ?? headers['x-amzn-trace-id']?.match(/Root=1-([0-9a-f]{8})-([0-9a-f]{24})/)?.slice(1).join('');
const parentIdOf = (headers: TraceHeaders): string | undefined => headers.traceparent?.split('-')[2] ?? headers['x-amzn-trace-id']?.match(/Parent=([0-9a-f]{16})/)?.[1];
/** The answer each service gave, by name, down the chain. */
function answersByService(first: HopAnswer): Map<string, HopAnswer> {
  const found = new Map<string, HopAnswer>();
  for (let hop: HopAnswer | null = first; hop; hop = hop.downstream) found.set(hop.service, hop);
  return found;
}
const serviceOf = (span: StoredSpan) => span.resource.serviceName;
const childrenOf = (spanId: string | null) => spans.filter((span) => span.parentSpanId === spanId);
const attribute = (span: StoredSpan, ...keys: string[]) => keys.map((key) => span.attributes[key]).find((value) => value !== undefined);

before(async () => {
  central = await startTestCentral();
  await startBroker();
  for (const stage of START_STAGES) await Promise.all(stage.map(startService));

  answer = await httpJson<HopAnswer>(`${urls.get('storefront')}/checkout`);
  const line = await processes.get('fulfilment')!.waitForLine(/^(?:processed|failed) (.*)$/);
  assert.ok(line[0].startsWith('processed'), line[0]);
  consumed = JSON.parse(line[1]!) as typeof consumed;
  traceId = traceIdOf(answer.downstream!.received)!;
  assert.match(traceId, /^[0-9a-f]{32}$/, `storefront sent a trace id to orders: ${JSON.stringify(answer.downstream?.received)}`);
  // Stopped at once, within the batch processor's 1 s delay: the auto mode's SIGTERM handler must
  // send what is buffered before the process ends (central answers an export once it is stored).
  await Promise.all([...processes].map(async ([name, child]) => ends.set(name, await child.stop())));
  spans = await storedTrace(traceId, EXPECTED_SPANS, 1_000);
  storedTraceIds = (await httpJson<{ traces: Array<{ traceId: string }> }>(`${central.url}/api/traces?limit=100`)).traces.map((t) => t.traceId);
});

after(async () => {
  await Promise.all([...processes.values()].map((child) => child.stop()));
  broker?.close();
  await central?.stop();
});

describe('a chain of zero-code services, mixed propagation formats, and a message hop', () => {
  test('each hop sent the headers its caller is configured to write, all naming one trace', () => {
    const hops = answersByService(answer);
    assert.deepEqual([...hops.keys()], ['storefront', 'orders', 'inventory', 'pricing']);
    const cases: Array<[string, TraceHeaders, Array<keyof TraceHeaders>]> = [
      ['the test (untraced) → storefront', hops.get('storefront')!.received, []],
      ['storefront (both) → orders', hops.get('orders')!.received, ['traceparent', 'x-amzn-trace-id']],
      ['orders (X-Ray only) → inventory', hops.get('inventory')!.received, ['x-amzn-trace-id']],
      ['inventory (W3C only) → pricing', hops.get('pricing')!.received, ['traceparent']],
      ['orders (X-Ray only) → the message', Object.fromEntries(Object.entries(published[0]!.MessageAttributes).map(([k, v]) => [k, v.StringValue])), ['x-amzn-trace-id']],
      ['fulfilment (both) → pricing', consumed.answer.received, ['traceparent', 'x-amzn-trace-id']],
    ];
    for (const [hop, headers, expected] of cases) {
      assert.deepEqual(Object.keys(headers).sort(), expected, hop);
      if (expected.length === 0) continue;
      assert.equal(traceIdOf(headers), traceId, hop);
      if (headers.traceparent) assert.match(headers.traceparent, /-01$/, `${hop}: sampled`);
      if (headers['x-amzn-trace-id']) assert.match(headers['x-amzn-trace-id'], /;Sampled=1$/, `${hop}: sampled`);
      if (expected.length === 2) assert.equal(headers['x-amzn-trace-id']!.match(/Parent=([0-9a-f]{16})/)?.[1], headers.traceparent!.split('-')[2], `${hop}: one parent in both formats`);
    }
    assert.equal(published.length, 1);
  });

  test('central stored one trace: every span under one root, every hop parented across processes', () => {
    assert.deepEqual(storedTraceIds, [traceId]);
    assert.equal(spans.length, EXPECTED_SPANS);
    for (const span of spans) assert.equal(span.traceId, traceId);
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const render = (span: StoredSpan, indent: string): string[] => [
      `${indent}${serviceOf(span)} ${span.kind}`,
      ...childrenOf(span.spanId)
        .map((child) => render(child, `${indent}  `))
        .sort((a, b) => a[0]!.localeCompare(b[0]!))
        .flat(),
    ];
    const roots = childrenOf(null);
    assert.equal(roots.length, 1, `one root: ${roots.map((s) => `${serviceOf(s)} ${s.name}`).join(', ')}`);
    assert.deepEqual(render(roots[0]!, ''), [
      'storefront server',
      '  storefront client',
      '    orders server',
      '      orders client',
      '        inventory server',
      '          inventory client',
      '            pricing server',
      '      orders producer',
      '        fulfilment consumer',
      '          fulfilment client',
      '            pricing server',
      '        orders client', // the publish call to the (untraced) broker
    ]);
    for (const span of spans) if (span.parentSpanId) assert.ok(byId.has(span.parentSpanId), `${span.name}: its parent is stored`);

    // The ids on the wire are the stored spans': each server's parent is the client that called it.
    const hops = answersByService(answer);
    for (const [service, headers] of [...[...hops].slice(1).map(([name, hop]) => [name, hop.received] as const), ['pricing', consumed.answer.received] as const]) {
      const client = byId.get(parentIdOf(headers)!);
      assert.ok(client?.kind === 'client', `${service}: the header's parent is a stored client span`);
      assert.ok(childrenOf(client.spanId).some((span) => serviceOf(span) === service && span.kind === 'server'), `${service}: its server span is that client's child`);
    }
    const producer = spans.find((span) => span.kind === 'producer')!;
    assert.equal(parentIdOf({ 'x-amzn-trace-id': published[0]!.MessageAttributes['x-amzn-trace-id']!.StringValue! }), producer.spanId, 'the message names the producer span');
    assert.equal(spans.find((span) => span.kind === 'consumer')?.parentSpanId, producer.spanId);
  });

  test('SIGTERM ended every process, after its buffered spans were sent', () => {
    for (const [name, end] of ends) assert.deepEqual(end, { code: null, signal: 'SIGTERM', forced: false }, name);
    // Sent before the end, not found later: every span was stored by the time all had stopped.
    assert.equal(spans.length, EXPECTED_SPANS);
  });

  test('every service and account is on its spans', () => {
    for (const [service, spec] of Object.entries(SERVICES)) {
      const own = spans.filter((span) => serviceOf(span) === service);
      assert.ok(own.length > 0, `${service} has spans`);
      for (const span of own) {
        assert.equal(span.resource.attributes['cloud.account.id'], spec.account.id, `${service}: account id`);
        assert.equal(span.resource.attributes['stitch.account.label'], spec.account.label, `${service}: account label`);
      }
    }
  });

  test('server spans carry method and status; client spans the peer they called', () => {
    const portOf = (url: string) => Number(new URL(url).port);
    const peers = new Map([...urls].map(([name, url]) => [portOf(url), name]));
    peers.set(portOf(brokerUrl), 'broker');
    for (const span of spans) {
      if (span.kind === 'server') {
        assert.equal(span.http.method, 'GET', `${serviceOf(span)} ${span.name}: method`);
        assert.equal(span.http.statusCode, 200, `${serviceOf(span)} ${span.name}: status`);
      }
      if (span.kind === 'client') {
        const host = attribute(span, 'server.address', 'net.peer.name');
        const port = Number(attribute(span, 'server.port', 'net.peer.port'));
        assert.equal(host, '127.0.0.1', `${serviceOf(span)} ${span.name}: peer host`);
        const peer = peers.get(port);
        assert.ok(peer, `${serviceOf(span)} ${span.name}: peer port ${port} is a service's`);
        assert.equal(span.http.statusCode, 200, `${serviceOf(span)} → ${peer}: status`);
        const called = childrenOf(span.spanId).map(serviceOf);
        assert.deepEqual(called, peer === 'broker' ? [] : [peer], `${serviceOf(span)} → ${peer}: the server span below is the peer's`);
      }
    }
    const messaging = spans.filter((span) => span.kind === 'producer' || span.kind === 'consumer');
    for (const span of messaging) {
      assert.equal(span.attributes['messaging.system'], 'sns');
      assert.equal(span.attributes['messaging.destination.name'], 'order-events');
    }
  });
});
