import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { LinkRegistry } from '@stitch/central';
import { exportSampleTrace } from '@stitch/test-support/exporters';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { startAgent, type PipelineAgent } from './agent.ts';

const PAYMENTS = '444444444444';

describe('the agent: one account, forwarding to central with its link', () => {
  let central: TestCentral;
  let registry: LinkRegistry;
  let agent: PipelineAgent;
  let linkId: string;
  const logs: string[] = [];

  before(async () => {
    registry = await LinkRegistry.open(null);
    central = await startTestCentral({ links: registry });
    const sink = await registry.createSink({ name: 'observability', allowedAccounts: ['*'], types: ['traces'] });
    const { link, token } = await registry.createLink(sink.id, { accountId: PAYMENTS, accountName: 'payments', types: ['traces'], labelTemplate: '$AccountName' });
    linkId = link.id;
    agent = await startAgent({ account: { id: PAYMENTS, name: 'payments' }, sinkUrl: central.url, token, port: 0, udpPort: 0, samplingPort: 0, log: (m) => logs.push(m) });
  });
  after(async () => {
    await agent.close();
    await central.stop();
  });

  const stored = async (traceId: string) => {
    const response = await fetch(`${central.url}/api/traces/${traceId}`);
    return response.status === 200 ? ((await response.json()) as { spans: Array<{ name: string; account: { id: string; label: string }; parentSpanId: string | null; spanId: string }> }).spans : [];
  };
  const eventually = async <T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const value = await probe();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  test('OTLP from the stock exporter reaches central as the linked account, with an Idempotency-Key per batch', async () => {
    const sent = await exportSampleTrace(agent.otlpUrl, 'protobuf');
    const spans = await eventually(() => stored(sent.traceId), (found) => found.length === 2);
    assert.equal(spans.length, 2);
    assert.ok(spans.every((s) => s.account.id === PAYMENTS && s.account.label === 'payments'));
  });

  test('segments from the stock aws-xray-sdk-core over UDP join the trace in central', async () => {
    const require = createRequire(import.meta.url);
    const AWSXRay = require('aws-xray-sdk-core') as {
      setDaemonAddress(address: string): void;
      setLogger(logger: object): void;
      Segment: new (name: string) => { trace_id: string; id: string; addNewSubsegment(name: string): { close(): void; addAnnotation(k: string, v: string): void }; close(): void; flush(): void };
    };
    AWSXRay.setLogger({ error() {}, warn() {}, info() {}, debug() {} });
    AWSXRay.setDaemonAddress(`127.0.0.1:${agent.udpPort}`);
    const segment = new AWSXRay.Segment('payments');
    const sub = segment.addNewSubsegment('Stripe API call');
    sub.addAnnotation('order_id', 'o-7');
    sub.close();
    segment.close();
    segment.flush();
    const traceId = segment.trace_id.replaceAll('-', '').slice(1);
    const spans = await eventually(() => stored(traceId), (found) => found.length === 2);
    assert.deepEqual(spans.map((s) => s.name).sort(), ['Stripe API call', 'payments']);
    assert.ok(spans.every((s) => s.account.label === 'payments'));
    assert.equal(spans.find((s) => s.name === 'Stripe API call')!.parentSpanId, segment.id);
  });

  test('PutTraceSegments takes documents and reports the ones it could not read', async () => {
    const traceId = '5f8a0b2ca006649127e371903a2de9aa';
    const document = { name: 'payments', id: '70de5b6f19ff9a0b', trace_id: `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`, start_time: Date.now() / 1000 - 1, end_time: Date.now() / 1000 };
    const response = await fetch(`${agent.otlpUrl}/TraceSegments`, { method: 'POST', body: JSON.stringify({ TraceSegmentDocuments: [JSON.stringify(document), '{not json', JSON.stringify({ trace_id: 'nope' })] }) });
    const body = (await response.json()) as { UnprocessedTraceSegments: Array<{ Message: string }> };
    assert.equal(response.status, 200);
    assert.equal(body.UnprocessedTraceSegments.length, 2);
    assert.match(body.UnprocessedTraceSegments[1]!.Message, /trace_id/);
    assert.equal((await eventually(() => stored(traceId), (found) => found.length === 1)).length, 1);
  });

  test('garbage on every input is refused without stopping the agent', async () => {
    const { createSocket } = await import('node:dgram');
    const socket = createSocket('udp4');
    for (const datagram of ['', 'hello', '{"format": "json", "version": 1}\n{]', `{"format": "json", "version": 1}\n${'['.repeat(10_000)}`]) {
      await new Promise<void>((resolve) => socket.send(Buffer.from(datagram), agent.udpPort, '127.0.0.1', () => resolve()));
    }
    socket.close();
    for (const [path, body, status] of [['/TraceSegments', 'nope', 400], ['/TraceSegments', '{"TraceSegmentDocuments": 5}', 400], ['/elsewhere', '{}', 404]] as const) {
      assert.equal((await fetch(`${agent.otlpUrl}${path}`, { method: 'POST', body })).status, status, path);
    }
    // The agent reads OTLP itself: once it answered 200 there is no one left to tell.
    const bad = await fetch(`${agent.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: new Uint8Array([0xff, 0xff, 0xff]) });
    assert.equal(bad.status, 400);
    const wrongType = await fetch(`${agent.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    assert.equal(wrongType.status, 415);
    assert.match(((await wrongType.json()) as { message: string }).message, /content-type/);
    const huge = await fetch(`${agent.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(17 * 1024 * 1024) });
    assert.equal(huge.status, 413);
    const unreadable = await fetch(`${agent.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "zz"}]}]}]}' });
    assert.equal(unreadable.status, 400);
    assert.match(((await unreadable.json()) as { message: string }).message, /traceId|rejected/);
    await eventually(async () => logs.filter((m) => m.includes('datagram refused')).length, (n) => n >= 4);
    assert.ok(logs.filter((m) => m.includes('datagram refused')).length >= 4, logs.join('\n'));
    assert.ok((await exportSampleTrace(agent.otlpUrl, 'json')).traceId, 'still serving');
  });

  test('a deleted link: central refuses the batch (counted, logged), and the agent then refuses new data with 403', async () => {
    await registry.deleteLink(linkId);
    const post = () => fetch(`${agent.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"resourceSpans": []}' });
    const answer = await eventually(post, (response) => response.status === 403);
    assert.equal(answer.status, 403);
    assert.match(((await answer.json()) as { message: string }).message, /central refuses this agent's link/);
    assert.ok(agent.forwarder.refusedBatches >= 1);
    assert.ok(logs.some((m) => m.includes('central refused a batch (403)')), logs.join('\n'));
  });
});

describe('the agent spool: what the agent accepted survives central being down and the agent being restarted', () => {
  test('accepted segments and OTLP batches are delivered exactly once by the next agent on the same spool', async () => {
    const { mkdtemp, readdir, rm } = await import('node:fs/promises');
    // The agent keeps its logs' spool in a `logs` folder inside the spans' one.
    const spooledBatches = async (dir: string) => (await readdir(dir)).filter((name) => name !== 'logs');
    const spoolDir = await mkdtemp('/tmp/stitch-spool-');
    const registry = await LinkRegistry.open(null);
    const central = await startTestCentral({ links: registry });
    try {
      const sink = await registry.createSink({ name: 'o', allowedAccounts: ['*'], types: ['traces'] });
      const { token } = await registry.createLink(sink.id, { accountId: PAYMENTS, accountName: 'payments', types: ['traces'], labelTemplate: '$AccountName' });
      // Nothing listens there: central is down.
      const down = await startAgent({ account: { id: PAYMENTS, name: 'payments' }, sinkUrl: 'http://127.0.0.1:9', token, port: 0, udpPort: 0, samplingPort: 0, spoolDir, drainOnCloseMs: 0, log: () => {} });
      const traceId = '5f8a0b2ca006649127e371903a2de9bb';
      const now = Date.now() / 1000;
      const documents = ['70de5b6f19ff9a01', '70de5b6f19ff9a02', '70de5b6f19ff9a03'].map((id, i) =>
        JSON.stringify({ name: 'payments', id, trace_id: `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`, start_time: now - 3 + i, end_time: now - 2 + i }),
      );
      const answer = await fetch(`${down.otlpUrl}/TraceSegments`, { method: 'POST', body: JSON.stringify({ TraceSegmentDocuments: documents }) });
      assert.equal(answer.status, 200);
      const exported = await exportSampleTrace(down.otlpUrl, 'protobuf+gzip');
      await down.close();
      assert.ok((await spooledBatches(spoolDir)).length >= 1, 'the answered batch is on disk');

      const up = await startAgent({ account: { id: PAYMENTS, name: 'payments' }, sinkUrl: central.url, token, port: 0, udpPort: 0, samplingPort: 0, spoolDir, log: () => {} });
      try {
        const deadline = Date.now() + 5_000;
        while ((await spooledBatches(spoolDir)).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
        const spans = ((await (await fetch(`${central.url}/api/traces/${traceId}`)).json()) as { spans: unknown[] }).spans;
        assert.equal(spans.length, 3, 'every accepted segment, once');
        assert.equal(((await (await fetch(`${central.url}/api/traces/${exported.traceId}`)).json()) as { spans: unknown[] }).spans.length, 2, 'the OTLP batch too');
        assert.deepEqual(await spooledBatches(spoolDir), [], 'the spool is empty once central took everything');
      } finally {
        await up.close();
      }
    } finally {
      await central.stop();
      await rm(spoolDir, { recursive: true, force: true });
    }
  });

  test('a full spool drops the oldest batches, counts them and says so', async () => {
    const logs: string[] = [];
    const agent = await startAgent({ account: { id: PAYMENTS, name: 'payments' }, sinkUrl: 'http://127.0.0.1:9', token: 't', port: 0, udpPort: 0, samplingPort: 0, maxSpoolBytes: 4096, drainOnCloseMs: 0, log: (m) => logs.push(m) });
    try {
      // Each sample trace is two batches (one per span).
      for (let i = 0; i < 6; i++) await exportSampleTrace(agent.otlpUrl, 'json');
      assert.ok(agent.forwarder.droppedBatches > 0, 'some batches were dropped');
      assert.ok(agent.forwarder.spooledBytes <= 4096 + 2048, `the spool stays near its bound (${agent.forwarder.spooledBytes} bytes)`);
      assert.equal(agent.forwarder.waitingBatches + agent.forwarder.droppedBatches, 12);
      assert.ok(logs.some((m) => /spool full: dropped the \d+ oldest batches; \d+ dropped in all/.test(m)), logs.join('\n'));
    } finally {
      await agent.close();
    }
  });
});
