import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchToSpans } from '@stitch/model';
import { decodeOtlpProtobufGenerated, decodeOtlpTraces, encodeOtlpProtobuf } from './decode-otlp.ts';
import { checkOtlpProtobuf } from './otlp-fast-decoder.ts';
import { WireError } from './wire-error.ts';

const account = { id: '555555555555', label: 'payments' };

/** A seeded PRNG, so a failure names a payload that can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomRequest(seed: number) {
  const random = prng(seed);
  const int = (max: number) => Math.floor(random() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const text = () => pick(['', 'GET', 'checkout-orchestrator', 'ünïcødé ☕', "quote ' \" \\ \n", 'x'.repeat(int(300))]);
  const scalar = (): object =>
    pick([
      () => ({ stringValue: text() }),
      () => ({ boolValue: random() < 0.5 }),
      () => ({ intValue: pick([0, 7, -3, 2 ** 53 + 1, -(2 ** 60), 9_007_199_254_740_991]).toString() }),
      () => ({ doubleValue: pick([0.5, -1e300, 3.14159, 1e-9]) }),
      () => ({ bytesValue: bytes(int(6)) }),
    ])();
  const anyValue = (depth: number): object =>
    depth > 1 || random() < 0.75
      ? scalar()
      : pick([
          () => ({ arrayValue: { values: Array.from({ length: int(4) }, () => (random() < 0.7 ? { stringValue: text() } : anyValue(depth + 1))) } }),
          () => ({ kvlistValue: { values: Array.from({ length: int(3) }, () => ({ key: text(), value: anyValue(depth + 1) })) } }),
        ])();
  const keys = ['http.request.method', 'http.method', 'http.route', 'url.full', 'http.status_code', 'http.response.status_code', 'order.id', 'peer.service', '', 'dup', '1'];
  const attributes = () => Array.from({ length: int(12) }, () => ({ key: pick(keys), value: pick(keys) === 'http.status_code' ? { intValue: String(pick([200, 404, 503])) } : anyValue(0) }));
  const id = (n: number) => pick([bytes(n), bytes(n), bytes(n), bytes(n), Buffer.alloc(n), bytes(n - 1), Buffer.alloc(0)]);
  const start = 1_764_000_000_000_000_000n + BigInt(int(1e9));
  const span = () => ({
    traceId: id(16),
    spanId: id(8),
    parentSpanId: pick([Buffer.alloc(0), bytes(8), bytes(3)]),
    traceState: pick(['', 'a=b']),
    name: text(),
    kind: int(7),
    startTimeUnixNano: pick([start.toString(), start.toString(), '0']),
    endTimeUnixNano: pick([(start + BigInt(int(1e10))).toString(), (start - 1n).toString()]),
    attributes: attributes(),
    events: Array.from({ length: int(3) }, () => ({ timeUnixNano: (start + 5n).toString(), name: text(), attributes: attributes() })),
    links: Array.from({ length: int(2) }, () => ({ traceId: bytes(16), spanId: bytes(8), traceState: pick(['', 'k=v']), attributes: attributes() })),
    ...(random() < 0.8 ? { status: { code: int(4), message: text() } } : {}),
  });
  return {
    resourceSpans: Array.from({ length: 1 + int(3) }, () => ({
      ...(random() < 0.9 ? { resource: { attributes: [...(random() < 0.9 ? [{ key: 'service.name', value: { stringValue: text() } }] : []), ...attributes()] } } : {}),
      scopeSpans: Array.from({ length: 1 + int(2) }, () => ({ ...(random() < 0.8 ? { scope: { name: text(), version: '1.0' } } : {}), spans: Array.from({ length: int(8) }, span) })),
    })),
  };
}

test('the fast decoder and the generated one agree on 500 randomised requests', () => {
  let spans = 0;
  let rejected = 0;
  for (let seed = 1; seed <= 500; seed++) {
    const body = encodeOtlpProtobuf(randomRequest(seed));
    const fast = decodeOtlpTraces(body, 'protobuf', account);
    const reference = decodeOtlpProtobufGenerated(body, account);
    assert.deepEqual(batchToSpans(fast.batch), batchToSpans(reference.batch), `seed ${seed}`);
    assert.deepEqual(fast.rejected, reference.rejected, `seed ${seed}`);
    // The agent's check predicts exactly what central's decoder keeps and refuses.
    assert.deepEqual(checkOtlpProtobuf(body), { accepted: fast.batch.length, rejected: fast.rejected }, `check, seed ${seed}`);
    spans += fast.batch.length;
    rejected += fast.rejected.length;
  }
  // The payloads must exercise both outcomes, or the comparison proves little.
  assert.ok(spans > 300 && rejected > 300, `${spans} spans kept, ${rejected} rejected`);
});

test('all three refuse truncated and garbage bodies as a whole', () => {
  const body = encodeOtlpProtobuf(randomRequest(3));
  for (const bad of [body.subarray(0, body.length - 3), Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), Buffer.from('{"resourceSpans":[]}')]) {
    assert.throws(() => decodeOtlpTraces(bad, 'protobuf', account), WireError);
    assert.throws(() => decodeOtlpProtobufGenerated(bad, account), WireError);
    assert.throws(() => checkOtlpProtobuf(bad), WireError);
  }
});
