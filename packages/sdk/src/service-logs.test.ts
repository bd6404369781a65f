// The SDK's logger end to end: a service traced with no tracing code (`--import @stitch/sdk/auto`)
// writes log lines; a real agent (linked for traces and logs) spools them to a real central,
// where GET /api/logs?traceId= finds them with the ids of the spans they were written in.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAgent, type RunningAgent } from '@stitch/agent';
import type { LogRecordJson, SpanJson } from '@stitch/model';
import { LinkRegistry } from '@stitch/central';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { optionsFromEnv, resolveConfig } from './config.ts';
import { getLogger } from './service-logger.ts';
import { LOGGING_SERVICE_SCRIPT, startZeroCode, type ZeroCodeProcess } from '@stitch/test-support/sdk';

const ACCOUNT = { id: '555555555555', name: 'payments' };

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('where log lines go: the traces exporter environment variables', () => {
  const cases: Array<[string, NodeJS.ProcessEnv, string]> = [
    ['nothing set: the local agent', {}, 'http://localhost:4318/v1/logs'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT: its /v1/logs', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://agent:4318/' }, 'http://agent:4318/v1/logs'],
    ['STITCH_AGENT_ENDPOINT wins over the OTEL one', { STITCH_AGENT_ENDPOINT: 'http://stitch:4318', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://other:4318' }, 'http://stitch:4318/v1/logs'],
    ['OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: used as given', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://agent:4318', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://collector:9000/custom/logs' }, 'http://collector:9000/custom/logs'],
  ];
  for (const [name, env, expected] of cases) {
    test(name, () => assert.equal(resolveConfig(optionsFromEnv(env)).logsEndpoint, expected));
  }

  test('before the SDK is set up, a log line goes nowhere and does not throw', () => {
    const log = getLogger('early');
    log.info('nobody listens');
    log.error('nor here', new Error('boom'));
  });
});

describe('a traced service logs through the agent to central', () => {
  let central: TestCentral;
  let agent: RunningAgent;
  let service: ZeroCodeProcess;
  let answer: { traceId: string; serverSpanId: string; stripeSpanId: string };
  let lines: LogRecordJson[];

  before(async () => {
    const links = await LinkRegistry.open(null);
    const sink = await links.createSink({ name: 'observability', allowedAccounts: [ACCOUNT.id], types: ['traces', 'logs'] });
    const { token } = await links.createLink(sink.id, { accountId: ACCOUNT.id, accountName: ACCOUNT.name, types: ['traces', 'logs'], labelTemplate: '$AccountName' });
    central = await startTestCentral({ links });
    agent = await startAgent({ account: ACCOUNT, sinkUrl: central.url, token, port: 0, udpPort: 0, samplingPort: 0, log: () => {} });
    // The OpenTelemetry variable, as a service configured for any collector would have it.
    service = startZeroCode('payments', LOGGING_SERVICE_SCRIPT, {
      STITCH_SERVICE_NAME: 'payments',
      STITCH_ACCOUNT_ID: ACCOUNT.id,
      OTEL_EXPORTER_OTLP_ENDPOINT: agent.otlpUrl,
      STITCH_SAMPLE_RATIO: '1',
    });
    const url = (await service.waitForLine(/^listening on (http:\S+)$/))[1]!;
    answer = (await (await fetch(`${url}/charges`)).json()) as typeof answer;
    lines = await until(`the request's two lines at central\n${service.output()}`, async () => {
      const found = ((await (await fetch(`${central.url}/api/logs?traceId=${answer.traceId}`)).json()) as { logs: LogRecordJson[] }).logs;
      return found.length >= 2 ? found : null;
    });
  });
  after(async () => {
    await service?.stop();
    await agent?.close();
    await central?.stop();
  });

  test("each line carries the trace and the span it was written in, the service's name and the link's account", async () => {
    assert.deepEqual(
      lines.map((line) => [line.body, line.severityText, line.severityNumber, line.traceId, line.spanId, line.serviceName, line.account.id]),
      [
        ['calling Stripe', 'INFO', 9, answer.traceId, answer.serverSpanId, 'payments', ACCOUNT.id],
        ['Stripe call took 8.5 s', 'WARN', 13, answer.traceId, answer.stripeSpanId, 'payments', ACCOUNT.id],
      ],
    );
    assert.equal(lines[0]!.attributes['order.id'], 'o-42');
    // The span ids are those of the spans central stored of the same trace.
    const spans = await until('the trace at central', async () => {
      const response = await fetch(`${central.url}/api/traces/${answer.traceId}`);
      const found = response.ok ? ((await response.json()) as { spans: SpanJson[] }).spans : [];
      return found.length >= 2 ? found : null;
    });
    assert.equal(spans.find((span) => span.spanId === answer.stripeSpanId)?.name, 'Stripe API call');
    assert.equal(spans.find((span) => span.spanId === answer.serverSpanId)?.kind, 'server');
  });

  test('a line written outside any request belongs to no trace and is found by its service', async () => {
    const found = await until('the start line', async () => {
      const logs = ((await (await fetch(`${central.url}/api/logs?service=payments&text=ready`)).json()) as { logs: LogRecordJson[] }).logs;
      return logs.length === 1 ? logs : null;
    });
    assert.deepEqual([found[0]!.body, found[0]!.traceId, found[0]!.spanId], ['payments ready', '', '']);
  });
});
