import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildMixPool, LATE_DELAYS_MS, LATE_ROOT_SHARE, MIX_ACCOUNTS, type MixPayload } from './mix-pool.ts';
import { LARGE_TRACE_SPANS, MIX_KINDS, TRACE_SHARES, UNINSTRUMENTED_HOSTS } from './mix-traces.ts';
import { payloadForRound, toHex, traceIdInRound } from './otlp-load.ts';
import { decodeTraceRequest, OTLP_SPAN_KIND, type OtlpAnyValue, type OtlpSpan } from './otlp-proto.ts';

const ANCHOR_MS = 1_764_000_000_000;
// Two large traces (at 7,500 and 22,500 spans) among some 2,500 requests.
const OPTIONS = { seed: 11, spans: 30_000, spansPerRequest: 512, anchorMs: ANCHOR_MS, largeTraceEverySpans: 15_000 };
const pool = buildMixPool(OPTIONS);

interface Sent {
  account: string;
  /** cloud.account.id of the span's resource. */
  resourceAccount: string | undefined;
  service: string;
  payload: MixPayload;
  span: OtlpSpan;
  attributes: Map<string, OtlpAnyValue>;
}

const text = (value: OtlpAnyValue | undefined) => (value && 'stringValue' in value ? value.stringValue : value && 'intValue' in value ? String(value.intValue) : undefined);
const hex = (bytes: Uint8Array | undefined) => (bytes && bytes.length > 0 ? toHex(bytes) : null);

function sentSpans(payloads: Array<{ account: string; payload: MixPayload }>): Sent[] {
  return payloads.flatMap(({ account, payload }) =>
    decodeTraceRequest(payload.body).resourceSpans.flatMap((resource) => {
      const resourceText = (key: string) => text(resource.resource.attributes.find((kv) => kv.key === key)?.value);
      const service = resourceText('service.name')!;
      const resourceAccount = resourceText('cloud.account.id');
      return resource.scopeSpans.flatMap((scope) => scope.spans.map((span) => ({ account, resourceAccount, service, payload, span, attributes: new Map(span.attributes.map((kv) => [kv.key, kv.value])) })));
    }),
  );
}

const sent = sentSpans(pool.streams.flatMap((stream) => stream.payloads.map((payload) => ({ account: stream.account.id, payload }))));
const byTrace = new Map<string, Sent[]>();
for (const item of sent) {
  const id = toHex(item.span.traceId);
  byTrace.set(id, [...(byTrace.get(id) ?? []), item]);
}
const bySpanId = new Map(sent.map((item) => [`${toHex(item.span.traceId)}/${toHex(item.span.spanId)}`, item]));
const roots = sent.filter((item) => hex(item.span.parentSpanId) === null);

test('the same seed makes the same bytes, stream by stream', () => {
  const small = { ...OPTIONS, spans: 3_000, largeTraceEverySpans: 1_000_000 };
  const [a, b] = [buildMixPool(small), buildMixPool(small)];
  assert.deepEqual(
    a.streams.map((stream) => stream.payloads.map((payload) => [payload.delayMs, Buffer.from(payload.body).toString('base64')])),
    b.streams.map((stream) => stream.payloads.map((payload) => [payload.delayMs, Buffer.from(payload.body).toString('base64')])),
  );
  assert.notDeepEqual(buildMixPool({ ...small, seed: 12 }).payloads[0]!.body, a.payloads[0]!.body);
});

test('each account sends only its own services, at most spansPerRequest spans a request, every span once', () => {
  assert.deepEqual(pool.streams.map((stream) => stream.account.id), MIX_ACCOUNTS.map((account) => account.id));
  for (const item of sent) assert.equal(item.resourceAccount, item.account);
  for (const payload of pool.payloads) assert.ok(payload.spanCount <= OPTIONS.spansPerRequest);
  assert.equal(sent.length, pool.spanCount);
  assert.equal(bySpanId.size, pool.spanCount, 'span ids are unique');
  assert.equal(byTrace.size, pool.traceCount);
  assert.equal(roots.length, pool.traceCount, 'one root a trace');
});

test('the kinds come in their shares (within 4 points), large traces about 10 % of the spans', () => {
  const requests = MIX_KINDS.filter((kind) => kind !== 'large').reduce((sum, kind) => sum + pool.kinds[kind].requests, 0);
  for (const [kind, share] of Object.entries(TRACE_SHARES) as Array<[keyof typeof TRACE_SHARES, number]>) {
    const actual = pool.kinds[kind].requests / requests;
    assert.ok(Math.abs(actual - share) <= 0.04, `${kind}: ${actual.toFixed(3)} of the requests, expected ${share}`);
  }
  assert.equal(pool.kinds.large.requests, 2);
  const largeShare = pool.kinds.large.spans / pool.spanCount;
  assert.ok(largeShare > 0.03 && largeShare < 0.45, `large traces: ${largeShare.toFixed(3)} of the spans`);
});

test('databases, caches and third-party APIs send no spans: their client spans have no children and no service of theirs exists', () => {
  const services = new Set(sent.map((item) => item.service));
  const parents = new Set(sent.map((item) => `${toHex(item.span.traceId)}/${hex(item.span.parentSpanId)}`));
  const peerOf = (item: Sent) => text(item.attributes.get('server.address') ?? item.attributes.get('net.peer.name'));
  const calls = sent.filter((item) => item.span.kind === OTLP_SPAN_KIND.client && UNINSTRUMENTED_HOSTS.includes(peerOf(item) ?? ''));
  assert.ok(calls.length > pool.spanCount / 3, `${calls.length} calls to uninstrumented peers`);
  for (const call of calls) assert.ok(!parents.has(`${toHex(call.span.traceId)}/${toHex(call.span.spanId)}`), `${call.span.name} has a child`);
  for (const host of UNINSTRUMENTED_HOSTS) assert.ok(!services.has(host));
  const systems = new Set(calls.map((item) => text(item.attributes.get('db.system'))).filter((system) => system !== undefined));
  assert.deepEqual([...systems].sort(), ['mysql', 'postgresql', 'redis']);
});

test('database-heavy requests make 5 to 20 calls, named the old way in one service and the current way in another, ids in the statements', () => {
  const heavy = roots.filter((root) => root.service === 'catalog-api' || root.service === 'user-profile');
  assert.ok(heavy.length > 100);
  for (const root of heavy) {
    const children = byTrace.get(toHex(root.span.traceId))!.filter((item) => hex(item.span.parentSpanId) === toHex(root.span.spanId));
    assert.ok(children.length >= 5 && children.length <= 20, `${children.length} calls`);
    for (const child of children) assert.ok(child.attributes.has('db.system'));
  }
  const statements = (key: string) => sent.map((item) => text(item.attributes.get(key))).filter((value) => value !== undefined);
  assert.ok(statements('db.statement').length > 100 && statements('db.query.text').length > 100, 'both conventions');
  assert.ok(statements('db.query.text').filter((statement) => /\d{3,}/.test(statement)).length > statements('db.query.text').length / 2);
});

test('third-party calls carry URLs with ids and answer some 4xx and 5xx', () => {
  const calls = sent.filter((item) => item.span.kind === OTLP_SPAN_KIND.client && /^https:\/\/(api\.|maps\.)/.test(text(item.attributes.get('url.full') ?? item.attributes.get('http.url')) ?? ''));
  const statuses = calls.map((item) => Number(text(item.attributes.get('http.response.status_code') ?? item.attributes.get('http.status_code'))));
  assert.ok(statuses.some((status) => status >= 400 && status < 500) && statuses.some((status) => status >= 500));
  assert.ok(statuses.filter((status) => status < 400).length / statuses.length > 0.85);
  const urls = new Set(calls.map((item) => text(item.attributes.get('url.full') ?? item.attributes.get('http.url'))));
  assert.ok(urls.size > calls.length * 0.7, `${urls.size} distinct URLs among ${calls.length} calls`);
});

test('messages hop to a consumer in another account, in the same trace or in its own trace linked to the producer', () => {
  const consumers = sent.filter((item) => item.span.kind === OTLP_SPAN_KIND.consumer && item.service !== 'notifications');
  let sameTrace = 0;
  let linked = 0;
  for (const consumer of consumers) {
    const link = consumer.span.links?.[0];
    const producer = link ? bySpanId.get(`${toHex(link.traceId)}/${toHex(link.spanId)}`) : bySpanId.get(`${toHex(consumer.span.traceId)}/${hex(consumer.span.parentSpanId)}`);
    assert.ok(producer, 'the producer span was sent');
    assert.equal(producer.span.kind, OTLP_SPAN_KIND.producer);
    assert.notEqual(producer.account, consumer.account);
    assert.equal(text(producer.attributes.get('messaging.destination.name')), text(consumer.attributes.get('messaging.destination.name')));
    if (link) {
      linked++;
      assert.equal(hex(consumer.span.parentSpanId), null);
      assert.notEqual(toHex(link.traceId), toHex(consumer.span.traceId));
    } else sameTrace++;
  }
  assert.ok(sameTrace > 50 && linked > 30, `${sameTrace} in the producer's trace, ${linked} linked`);
  assert.deepEqual(new Set(consumers.map((item) => text(item.attributes.get('messaging.system')))), new Set(['kafka', 'aws_sqs']));
});

test('large traces have 1,000 to 10,000 spans and arrive in several requests', () => {
  const large = [...byTrace.values()].filter((spans) => spans.length > 100);
  assert.equal(large.length, 2);
  for (const spans of large) {
    assert.ok(spans.length >= LARGE_TRACE_SPANS.min && spans.length <= LARGE_TRACE_SPANS.max, `${spans.length} spans`);
    assert.ok(new Set(spans.map((item) => item.payload)).size >= Math.ceil(spans.length / OPTIONS.spansPerRequest));
  }
});

test('late root spans arrive 1 to 30 s after their children, in requests of their own', () => {
  const late = sent.filter((item) => item.payload.delayMs > 0);
  assert.equal(late.length, pool.lateRoots);
  const share = pool.lateRoots / pool.traceCount;
  assert.ok(Math.abs(share - LATE_ROOT_SHARE) < 0.03, `${share.toFixed(3)} of the roots late`);
  assert.ok(Math.max(...pool.payloads.map((payload) => payload.delayMs)) <= 30_000);
  assert.deepEqual(new Set(late.map((item) => item.payload.delayMs)), new Set(LATE_DELAYS_MS));
  for (const root of late) {
    assert.equal(hex(root.span.parentSpanId), null, 'only roots are held back');
    const rest = byTrace.get(toHex(root.span.traceId))!.filter((item) => item !== root);
    assert.ok(rest.every((item) => item.payload.delayMs === 0), 'the rest of the trace is sent in order');
  }
});

test('ids are high-cardinality: users, sessions and requests nearly all distinct', () => {
  for (const key of ['enduser.id', 'session.id', 'http.request.header.x-request-id']) {
    const values = sent.map((item) => text(item.attributes.get(key))).filter((value) => value !== undefined);
    assert.ok(values.length > 1_000, `${key}: ${values.length} values`);
    assert.ok(new Set(values).size / values.length > 0.98, `${key}: ${new Set(values).size} distinct of ${values.length}`);
  }
});

test('re-keying a round moves link trace ids with the traces they point to', () => {
  const payload = pool.payloads.find((candidate) => sentSpans([{ account: '', payload: candidate }]).some((item) => item.span.links?.length))!;
  const spans = sentSpans([{ account: '', payload }]);
  assert.equal(payload.traceIdOffsets.length, spans.length + spans.reduce((sum, item) => sum + (item.span.links?.length ?? 0), 0));
  const round = sentSpans([{ account: '', payload: { ...payload, body: payloadForRound(payload, 9) } }]);
  round.forEach((item, i) => {
    assert.equal(toHex(item.span.traceId), traceIdInRound(toHex(spans[i]!.span.traceId), 9));
    for (const [j, link] of (item.span.links ?? []).entries()) assert.equal(toHex(link.traceId), traceIdInRound(toHex(spans[i]!.span.links![j]!.traceId), 9));
  });
});

test('every span starts and ends in the hour before the anchor', () => {
  for (const { span } of sent) {
    assert.ok(BigInt(span.startTimeUnixNano) >= BigInt(ANCHOR_MS - 3_600_000) * 1_000_000n);
    assert.ok(BigInt(span.endTimeUnixNano) <= BigInt(ANCHOR_MS) * 1_000_000n);
  }
});
