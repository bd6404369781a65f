import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAgent, type RunningAgent } from '@stitch/agent';
import { createDemoTracers, DEMO_SERVICES, emitCheckoutTrace } from '@stitch/demo';
import { LinkRegistry } from '../../packages/central/src/links/link-registry.ts';
import { startTestCentral } from '../../packages/central/src/test-support/start-test-central.ts';
import { runStitch } from './cli-process.ts';

test('one checkout through services in every account, each behind its own agent and link, is one trace in central with every account label', async () => {
  const registry = await LinkRegistry.open(null);
  const central = await startTestCentral({ links: registry });
  const agents = new Map<string, RunningAgent>();
  try {
    const accounts = new Map<string, string>(Object.values(DEMO_SERVICES).map((service) => [service.account, service.accountName]));
    const sink = await registry.createSink({ name: 'observability', allowedAccounts: [...accounts.keys()], types: ['traces'] });
    for (const [accountId, accountName] of accounts) {
      const { token } = await registry.createLink(sink.id, { accountId, accountName, types: ['traces'], labelTemplate: '$AccountName' });
      agents.set(accountId, await startAgent({ account: { id: accountId, name: accountName }, sinkUrl: central.url, token, port: 0, udpPort: 0, log: () => {} }));
    }
    const tracers = createDemoTracers((accountId) => agents.get(accountId)!.otlpUrl);
    const { traceId } = emitCheckoutTrace(tracers.tracers, { stripeMs: 8_500, endMs: Date.now(), paymentFails: false, orderId: 'o-1' });
    await tracers.shutdown();
    // An agent answers once a batch is in its spool; central has it when every spool is empty.
    assert.deepEqual(await Promise.all([...agents.values()].map((agent) => agent.forwarder.whenIdle())), [...agents.keys()].map(() => true));

    const trace = (await (await fetch(`${central.url}/api/traces/${traceId}`)).json()) as { spans: Array<{ account: { id: string; label: string }; parentSpanId: string | null; depth: number }> };
    const labels = new Set(trace.spans.map((span) => span.account.label));
    assert.deepEqual([...labels].sort(), [...new Set(accounts.values())].sort(), 'every account, named by its link');
    assert.equal(trace.spans.filter((span) => span.parentSpanId === null).length, 1, 'one root: the trace is whole');
    for (const span of trace.spans) assert.equal(accounts.get(span.account.id), span.account.label, 'each span under its own link\'s account');

    // The same checkout on the service map: every account's services, the inferred peers, in the terminal.
    await central.flushServiceMap(true);
    const startMs = Math.min(...trace.spans.map((span) => Number(BigInt((span as unknown as { startTimeUnixNano: string }).startTimeUnixNano) / 1_000_000n)));
    const map = await runStitch(['map', '--url', central.url, '--start', String(startMs - 60_000), '--end', String(startMs + 600_000)]);
    assert.equal(map.code, 0, map.stderr);
    for (const [accountId, accountName] of accounts) assert.match(map.stdout, new RegExp(`^account ${accountName} \\(${accountId}\\)$`, 'm'));
    assert.match(map.stdout, /Stripe \(api\.stripe\.com\).*\[http\]/);
    assert.match(map.stdout, /orders \(dynamodb\).*\[database\]/);
    assert.match(map.stdout, /checkout-orchestrator ~> order-events \(aws_sns\)/);
    assert.match(map.stdout, /order-events \(aws_sns\) +~> notifications/);
    const propagation = await runStitch(['propagation', '--url', central.url, '--start', String(startMs - 60_000), '--end', String(startMs + 600_000)]);
    assert.equal(propagation.stdout.trim(), 'no broken trace context in this window');
  } finally {
    await Promise.all([...agents.values()].map((agent) => agent.close()));
    await central.stop();
  }
});
