import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exportSampleTrace, SAMPLE_TRACE_TIMING, type ExporterKind } from '@stitch/test-support/exporters';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';

describe('OTLP ingest from the stock OpenTelemetry JS exporters', () => {
  let central: TestCentral;
  before(async () => {
    central = await startTestCentral({ decodeWorkers: 2 });
  });
  after(() => central.stop());

  for (const kind of ['protobuf', 'json', 'protobuf+gzip'] as ExporterKind[]) {
    test(`a trace sent with the ${kind} exporter comes back intact`, async () => {
      const sent = await exportSampleTrace(central.url, kind);
      // Acknowledged means stored: no polling, the trace must be there now.
      const response = await fetch(`${central.url}/api/traces/${sent.traceId}`);
      assert.equal(response.status, 200);
      const body = await response.json();
      assert.equal(body.traceId, sent.traceId);
      assert.equal(body.spans.length, 2);
      const [root, child] = body.spans;

      assert.equal(root.spanId, sent.rootSpanId);
      assert.equal(root.parentSpanId, null);
      assert.equal(root.depth, 0);
      assert.equal(root.kind, 'server');
      assert.equal(root.resource.serviceName, 'checkout-orchestrator');
      assert.equal(root.resource.attributes['service.version'], '1.4.2');
      assert.deepEqual(root.account, { id: 'local', label: 'local' });
      assert.deepEqual(root.http, { method: 'POST', route: '/checkout', url: null, statusCode: 201 });
      assert.equal(root.attributes['order.total'], 99.5);
      assert.equal(root.attributes['order.items'], 3);
      assert.equal(root.attributes['customer.vip'], true);
      assert.deepEqual(root.attributes['order.skus'], ['a-1', 'b-2']);
      assert.deepEqual(root.scope, { name: 'stitch-test', version: '9.9.9' });

      assert.equal(child.spanId, sent.childSpanId);
      assert.equal(child.parentSpanId, sent.rootSpanId);
      assert.equal(child.depth, 1);
      assert.equal(child.name, 'Stripe API call ☕');
      assert.equal(child.kind, 'client');
      assert.deepEqual(child.status, { code: 'error', message: 'upstream 502' });
      assert.equal(child.http.statusCode, 502);
      assert.deepEqual(child.events.map((e: { name: string }) => e.name), ['retrying', 'exception']);
      assert.equal(child.events[0].attributes.attempt, 2);
      assert.equal(child.events[1].attributes['exception.type'], 'TypeError');
      assert.equal(child.events[1].attributes['exception.message'], 'socket hang up');
      assert.equal(child.links.length, 1);
      assert.equal(child.links[0].traceId, sent.linkedTraceId);
      assert.equal(child.links[0].attributes['link.reason'], 'retry-of');
      const msOf = (unixNano: string) => Number(BigInt(unixNano) / 1_000_000n);
      assert.deepEqual(
        [root, child].map((s: { startTimeUnixNano: string; endTimeUnixNano: string }) => [msOf(s.startTimeUnixNano) - sent.startMs, msOf(s.endTimeUnixNano) - sent.startMs]),
        [[0, SAMPLE_TRACE_TIMING.rootMs], [SAMPLE_TRACE_TIMING.childOffsetMs, SAMPLE_TRACE_TIMING.childOffsetMs + SAMPLE_TRACE_TIMING.childMs]],
        'the times the exporter set, to the millisecond',
      );

      assert.equal(body.summary.rootSpanName, 'POST /checkout');
      // The caller got the root's 201; the Stripe call's 502 is an error inside.
      assert.equal(body.summary.status, 'ok');
      assert.equal(body.summary.errorSpanCount, 1);
      assert.equal(body.summary.spanCount, 2);
      assert.equal(body.summary.durationMs, SAMPLE_TRACE_TIMING.rootMs);
    });
  }

  test('exported traces are found by search and their service is listed', async () => {
    const sent = await exportSampleTrace(central.url, 'protobuf');
    const search = await (await fetch(`${central.url}/api/traces?service=checkout-orchestrator&limit=100`)).json();
    const found = search.traces.find((t: { traceId: string }) => t.traceId === sent.traceId);
    assert.ok(found, 'the trace is in the search results');
    assert.deepEqual(found.services, ['checkout-orchestrator']);
    assert.deepEqual(found.accounts, ['local']);
    const services = await (await fetch(`${central.url}/api/services`)).json();
    assert.ok(services.services.some((s: { serviceName: string }) => s.serviceName === 'checkout-orchestrator'));
  });
});

describe('durability', () => {
  test('a restart keeps the data', async (t) => {
    const dir = await import('node:fs/promises').then((fs) => fs.mkdtemp('/tmp/stitch-restart-'));
    t.after(() => import('node:fs/promises').then((fs) => fs.rm(dir, { recursive: true, force: true })));
    const path = `${dir}/stitch.duckdb`;
    const first = await startTestCentral({ path });
    const sent = await exportSampleTrace(first.url, 'protobuf');
    await first.stop();

    const second = await startTestCentral({ path });
    t.after(() => second.stop());
    const body = await (await fetch(`${second.url}/api/traces/${sent.traceId}`)).json();
    assert.equal(body.spans.length, 2);
    assert.equal(body.spans[1].parentSpanId, sent.rootSpanId);
  });
});

describe('retried deliveries (Idempotency-Key)', () => {
  test('a delivery retried with the same key is stored once; keys are per account; a bad key is refused by name', async (t) => {
    const { LinkRegistry } = await import('../access/links/link-registry.ts');
    const { makeSpan } = await import('@stitch/model');
    const { spansToOtlpJson } = await import('@stitch/wire');
    const registry = await LinkRegistry.open(null);
    const central = await startTestCentral({ links: registry });
    t.after(() => central.stop());
    const sink = await registry.createSink({ name: 'observability', allowedAccounts: ['*'], types: ['traces'] });
    const tokenOf = async (accountId: string) =>
      (await registry.createLink(sink.id, { accountId, accountName: accountId, types: ['traces'], labelTemplate: '$AccountName' })).token;
    const [tokenA, tokenB] = [await tokenOf('111111111111'), await tokenOf('222222222222')];
    const traceId = 'ab'.repeat(16);
    const bodyOf = (spanId: string) => JSON.stringify(spansToOtlpJson([makeSpan({ traceId, spanId })]));
    const post = (token: string, key: string, body = bodyOf('1'.repeat(16))) =>
      fetch(`${central.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key }, body });

    // Concurrent retries of one delivery and a later one: all acknowledged, stored once.
    const answers = await Promise.all([post(tokenA, 'batch-1'), post(tokenA, 'batch-1'), post(tokenA, 'batch-1')]);
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200]);
    assert.equal((await post(tokenA, 'batch-1')).status, 200);
    // Another account using the same key is a different delivery.
    assert.equal((await post(tokenB, 'batch-1', bodyOf('2'.repeat(16)))).status, 200);
    const summary = (await (await fetch(`${central.url}/api/traces/${traceId}`)).json()).summary as { spanCount: number; accounts: string[] };
    assert.equal(summary.spanCount, 2);
    assert.deepEqual(summary.accounts, ['111111111111', '222222222222']);

    const bad = await post(tokenA, 'no spaces allowed');
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).message, /idempotency-key/);
  });
});
