import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { LinkRegistry } from '@stitch/central';
import { exportRawGrpc, exportSampleLogs, exportSampleTrace } from '@stitch/test-support/exporters';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { startAgent, type PipelineAgent } from './agent.ts';

// The agent takes OTLP/gRPC as it takes OTLP/HTTP: from the stock exporters, unmodified, checked
// before it answers, spooled, and carried to central with the link's token.

const PAYMENTS = '444444444444';

describe('the agent over OTLP/gRPC', () => {
  let central: TestCentral;
  let agent: PipelineAgent;
  let endpoint: string;

  before(async () => {
    const registry = await LinkRegistry.open(null);
    central = await startTestCentral({ links: registry });
    const sink = await registry.createSink({ name: 'observability', allowedAccounts: ['*'], types: ['traces', 'logs'] });
    const { token } = await registry.createLink(sink.id, { accountId: PAYMENTS, accountName: 'payments', types: ['traces', 'logs'], labelTemplate: '$AccountName' });
    agent = await startAgent({ account: { id: PAYMENTS, name: 'payments' }, sinkUrl: central.url, token, port: 0, grpc: { port: 0 }, udpPort: 0, samplingPort: 0, maxSpansPerRequest: 20, log: () => {} });
    endpoint = `http://127.0.0.1:${agent.grpcPort}`;
  });
  after(async () => {
    await agent.close();
    await central.stop();
  });

  /** What central holds at `path`, once it is there (the agent forwards after answering). */
  const eventually = async (path: string, done: (body: any) => boolean): Promise<any> => {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const response = await fetch(`${central.url}${path}`);
      const body = response.status === 200 ? await response.json() : null;
      if ((body !== null && done(body)) || Date.now() > deadline) return body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  for (const kind of ['grpc', 'grpc+gzip'] as const) {
    test(`a trace from the stock ${kind} exporter reaches central whole, as the linked account`, async () => {
      const sent = await exportSampleTrace(endpoint, kind);
      const body = await eventually(`/api/traces/${sent.traceId}`, (found) => found.spans.length === 2);
      assert.equal(body?.spans.length, 2);
      assert.ok(body.spans.every((span: { account: { id: string } }) => span.account.id === PAYMENTS));
      assert.deepEqual(body.spans[1].events.map((event: { name: string }) => event.name), ['retrying', 'exception']);
    });
  }

  test("log records from the stock gRPC log exporter reach central's logs, as the linked account", async () => {
    const traceId = 'c1'.repeat(16);
    await exportSampleLogs(endpoint, 'grpc', traceId);
    const body = await eventually(`/api/logs?traceId=${traceId}`, (found) => found.logs.length === 2);
    assert.deepEqual(body?.logs.map((record: { body: string }) => record.body).sort(), ['Stripe timed out after 8 s (grpc)', 'calling Stripe (grpc)']);
    assert.ok(body.logs.every((record: { account: { id: string } }) => record.account.id === PAYMENTS));
  });

  test('what central could not read is refused before the answer, INVALID_ARGUMENT', async () => {
    const { error: garbage } = await exportRawGrpc(agent.grpcPort!, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    assert.equal(garbage?.code, status.INVALID_ARGUMENT);
    assert.match(garbage!.details, /./);
    assert.equal((await fetch(`${agent.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status, 200, 'the agent still serves');
  });
});
