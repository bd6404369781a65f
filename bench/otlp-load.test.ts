import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANNOTATION_KEYS_ATTRIBUTE } from '@stitch/model';
import { buildPayloadPool, freshTrace, payloadForRound, Rng, SERVICES, traceIdInRound, toHex } from './otlp-load.ts';
import { decodeTraceRequest, OTLP_SPAN_KIND } from './otlp-proto.ts';

const ANCHOR_MS = 1_764_000_000_000;
const pool = buildPayloadPool({ seed: 7, spans: 5_000, spansPerRequest: 512, anchorMs: ANCHOR_MS });

function spansOf(body: Uint8Array) {
  return decodeTraceRequest(body).resourceSpans.flatMap((resource) =>
    resource.scopeSpans.flatMap((scope) => scope.spans.map((span) => ({ resource, span }))),
  );
}

test('the pool is deterministic for a seed', () => {
  const again = buildPayloadPool({ seed: 7, spans: 5_000, spansPerRequest: 512, anchorMs: ANCHOR_MS });
  assert.equal(again.payloads.length, pool.payloads.length);
  for (const [i, payload] of pool.payloads.entries()) assert.deepEqual(again.payloads[i]!.body, payload.body);
});

test('batches hold whole traces and at most spansPerRequest spans', () => {
  assert.ok(pool.spanCount >= 5_000);
  for (const payload of pool.payloads) {
    assert.ok(payload.spanCount <= 512);
    assert.equal(spansOf(payload.body).length, payload.spanCount);
    assert.equal(payload.traceIdOffsets.length, payload.spanCount);
  }
});

test('traces have 6 to 20 spans, one root, parents inside the trace, and the product services', () => {
  const services = new Set<string>();
  const byTrace = new Map<string, Array<{ spanId: string; parent: string | null }>>();
  for (const payload of pool.payloads) {
    for (const { resource, span } of spansOf(payload.body)) {
      const service = resource.resource.attributes.find((kv) => kv.key === 'service.name')!.value;
      services.add((service as { stringValue: string }).stringValue);
      const list = byTrace.get(toHex(span.traceId)) ?? [];
      list.push({ spanId: toHex(span.spanId), parent: span.parentSpanId && span.parentSpanId.length > 0 ? toHex(span.parentSpanId) : null });
      byTrace.set(toHex(span.traceId), list);
    }
  }
  assert.deepEqual([...services].sort(), [...SERVICES].sort());
  assert.equal(byTrace.size, pool.traceCount);
  for (const spans of byTrace.values()) {
    assert.ok(spans.length >= 6 && spans.length <= 20, `trace of ${spans.length} spans`);
    assert.equal(spans.filter((span) => span.parent === null).length, 1);
    const ids = new Set(spans.map((span) => span.spanId));
    for (const span of spans) if (span.parent !== null) assert.ok(ids.has(span.parent));
  }
});

test('spans carry 10 to 20 attributes, including the ones the product searches on', () => {
  const keys = new Set<string>();
  for (const { span } of spansOf(pool.payloads[0]!.body)) {
    assert.ok(span.attributes.length >= 10 && span.attributes.length <= 20, `${span.name}: ${span.attributes.length} attributes`);
    for (const kv of span.attributes) keys.add(kv.key);
  }
  for (const key of ['http.request.method', 'http.route', 'url.full', 'http.response.status_code', 'server.address', 'net.peer.name', 'db.system', 'messaging.destination.name', 'user_agent.original', 'customer.id', 'order.id']) {
    assert.ok(keys.has(key), key);
  }
  const urls = spansOf(pool.payloads[0]!.body).flatMap(({ span }) => span.attributes.filter((kv) => kv.key === 'url.full'));
  assert.ok(urls.some((kv) => (kv.value as { stringValue: string }).stringValue.startsWith('https://api.stripe.com/')));
});

test('trace starts lie in the hour before the anchor', () => {
  for (const payload of pool.payloads) {
    for (const trace of payload.traces) {
      assert.ok(trace.startMs >= ANCHOR_MS - 3_600_000 && trace.startMs + trace.durationMs <= ANCHOR_MS);
    }
  }
  assert.ok(pool.payloads.some((payload) => payload.traces.some((trace) => trace.durationMs >= 8_000)), 'some slow traces for minDuration searches');
});

test('re-keying a round rewrites every trace id consistently and to new ids', () => {
  const payload = pool.payloads[1]!;
  const base = spansOf(payload.body).map(({ span }) => toHex(span.traceId));
  assert.deepEqual(spansOf(payloadForRound(payload, 0)).map(({ span }) => toHex(span.traceId)), base);
  const seen = new Set(base);
  for (const round of [1, 2, 77, 4_000_000]) {
    const ids = spansOf(payloadForRound(payload, round)).map(({ span }) => toHex(span.traceId));
    assert.deepEqual(ids, base.map((id) => traceIdInRound(id, round)));
    for (const id of new Set(ids)) {
      assert.ok(!seen.has(id));
      seen.add(id);
    }
  }
  assert.deepEqual(spansOf(payload.body).map(({ span }) => toHex(span.traceId)), base, 'the pool itself is left alone');
});

test("the orchestrator's server span, and only it, lists the order id as an annotation", () => {
  for (const payload of pool.payloads.slice(0, 3)) {
    const annotated = spansOf(payload.body).filter(({ span }) => span.attributes.some((kv) => kv.key === ANNOTATION_KEYS_ATTRIBUTE));
    assert.equal(annotated.length, payload.traces.length, 'one annotated span a trace');
    for (const { resource, span } of annotated) {
      assert.ok(resource.resource.attributes.some((kv) => kv.key === 'service.name' && (kv.value as { stringValue: string }).stringValue === 'checkout-orchestrator'));
      assert.equal(span.kind, OTLP_SPAN_KIND.server);
      const keys = span.attributes.find((kv) => kv.key === ANNOTATION_KEYS_ATTRIBUTE)!.value as { arrayValue: { values: Array<{ stringValue: string }> } };
      assert.deepEqual(keys.arrayValue.values.map((value) => value.stringValue), ['order.id']);
      assert.match((span.attributes.find((kv) => kv.key === 'order.id')!.value as { stringValue: string }).stringValue, /^ord_[0-9a-f]{16}$/);
    }
  }
});

test('a fresh trace ends about now', () => {
  const now = Date.now();
  const fresh = freshTrace(new Rng(1), now);
  const spans = spansOf(fresh.body);
  assert.equal(spans.length, fresh.spanCount);
  assert.ok(spans.every(({ span }) => BigInt(span.endTimeUnixNano) <= BigInt(now) * 1_000_000n));
  assert.ok(spans.every(({ span }) => BigInt(span.startTimeUnixNano) >= BigInt(now - 60_000) * 1_000_000n));
});
