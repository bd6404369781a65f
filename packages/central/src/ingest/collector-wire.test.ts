import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos } from '@stitch/model';
import { encodeOtlpLogsProtobuf, encodeOtlpProtobuf, spansToOtlpProtobuf } from '@stitch/wire';
import { collectorExport } from '@stitch/test-support/collector-exporter';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { LinkRegistry } from '../access/links/link-registry.ts';

// An OpenTelemetry Collector as an account's agent (docs/collector.md): its otlphttp exporter's
// wire behaviour (gzip, its headers, the link token as a configured header, no idempotency key,
// retries of the same bytes on 429/502/503/504 after Retry-After) against central, which takes it
// as it takes the agent's: the link's account, whatever the payload says, each span stored once.

const SHOP = '777777777777';

describe('central takes an OpenTelemetry Collector as an account agent', () => {
  let central: TestCentral;
  let token: string;
  let slowToken: string;

  before(async () => {
    const links = await LinkRegistry.open(null);
    central = await startTestCentral({ links });
    const sink = await links.createSink({ name: 'observability', allowedAccounts: ['*'], types: ['traces', 'logs'] });
    ({ token } = await links.createLink(sink.id, { accountId: SHOP, accountName: 'shop', types: ['traces', 'logs'], labelTemplate: '$AccountName' }));
    ({ token: slowToken } = await links.createLink(sink.id, { accountId: '888888888888', accountName: 'shop-eu', types: ['traces'], labelTemplate: '$AccountName', requestsPerSecond: 1 }));
  });
  after(() => central.stop());

  /** A batch of `count` spans of one new trace, its resource claiming another account. */
  const batch = (traceNumber: number, count: number) => {
    const traceId = `c011ec70${traceNumber.toString(16).padStart(24, '0')}`;
    const start = BigInt(Date.now() - 2_000) * 1_000_000n;
    const spans = Array.from({ length: count }, (_, i) =>
      makeSpan({
        traceId,
        spanId: (i + 1).toString(16).padStart(16, '0'),
        parentSpanId: i === 0 ? null : '0000000000000001',
        name: i === 0 ? 'GET /cart' : `SELECT ${i}`,
        startTimeUnixNano: nanos(start + BigInt(i) * 1_000_000n),
        endTimeUnixNano: nanos(start + BigInt(i) * 1_000_000n + 500_000n),
        resource: { serviceName: 'cart', attributes: { 'service.name': 'cart', 'cloud.account.id': '999999999999' } },
      }),
    );
    return { traceId, body: spansToOtlpProtobuf(spans) };
  };
  const storedTrace = async (traceId: string) => ((await (await fetch(`${central.url}/api/traces/${traceId}`)).json()) as { spans?: Array<{ account: { id: string } }> }).spans ?? [];

  test('a gzipped protobuf export with the link token in its configured headers: stored as the link\'s account', async () => {
    const { traceId, body } = batch(1, 3);
    const result = await collectorExport(`${central.url}/v1/traces`, body, { authorization: `Bearer ${token}` });
    assert.deepEqual(result, { status: 200, attempts: 1, waitedSeconds: [], rejected: 0 });
    const spans = await storedTrace(traceId);
    assert.equal(spans.length, 3);
    assert.ok(spans.every((span) => span.account.id === SHOP), 'cloud.account.id in the payload does not decide the account');
  });

  test('logs through the Collector\'s logs pipeline arrive as the link\'s account', async () => {
    const traceId = 'c011ec7000000000000000000000abcd';
    const body = encodeOtlpLogsProtobuf({
      resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'cart' } }] }, scopeLogs: [{ logRecords: [{ timeUnixNano: String(BigInt(Date.now()) * 1_000_000n), severityNumber: 17, severityText: 'ERROR', body: { stringValue: 'cart: payment declined' }, traceId: Buffer.from(traceId, 'hex') }] }] }],
    });
    assert.equal((await collectorExport(`${central.url}/v1/logs`, body, { authorization: `Bearer ${token}` })).status, 200);
    const { logs } = (await (await fetch(`${central.url}/api/logs?traceId=${traceId}`)).json()) as { logs: Array<{ body: string; account: { id: string } }> };
    assert.deepEqual(logs.map((record) => [record.body, record.account.id]), [['cart: payment declined', SHOP]]);
  });

  test('over its link\'s rate, the Collector waits out Retry-After and sends the same bytes again: every batch stored once', async () => {
    const batches = Array.from({ length: 4 }, (_, i) => batch(100 + i, 2));
    const results = await Promise.all(batches.map(({ body }) => collectorExport(`${central.url}/v1/traces`, body, { authorization: `Bearer ${slowToken}` })));
    assert.ok(results.every((result) => result.status === 200), JSON.stringify(results));
    assert.ok(results.some((result) => result.attempts > 1 && result.waitedSeconds.length > 0), `some batches were refused 429 and retried after Retry-After: ${JSON.stringify(results)}`);
    for (const { traceId } of batches) assert.equal((await storedTrace(traceId)).length, 2, `trace ${traceId} stored once, whole`);
  });

  test('what the Collector must not retry is refused for good: a revoked or unknown token (401), a span central cannot read (partial success)', async () => {
    const { body } = batch(200, 1);
    assert.deepEqual(await collectorExport(`${central.url}/v1/traces`, body, { authorization: 'Bearer stl_unknown' }), { status: 401, attempts: 1, waitedSeconds: [], rejected: 0 });
    const traceId = 'c011ec70000000000000000000000201';
    const start = BigInt(Date.now() - 2_000) * 1_000_000n;
    const span = (spanId: Buffer) => ({ traceId: Buffer.from(traceId, 'hex'), spanId, name: 'GET /cart', kind: 2, startTimeUnixNano: String(start), endTimeUnixNano: String(start + 1_000_000n) });
    // The second span's id is 4 bytes, not 8: refused alone, the other kept.
    const mixed = encodeOtlpProtobuf({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'cart' } }] }, scopeSpans: [{ spans: [span(Buffer.from('00000000000000a1', 'hex')), span(Buffer.from('000000a2', 'hex'))] }] }] });
    const result = await collectorExport(`${central.url}/v1/traces`, mixed, { authorization: `Bearer ${token}` });
    assert.equal(result.status, 200);
    assert.equal(result.rejected, 1);
    assert.equal((await storedTrace(traceId)).length, 1);
  });
});
