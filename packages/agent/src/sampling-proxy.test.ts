import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AWSXRayRemoteSampler } from '@opentelemetry/sampler-aws-xray';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { LinkRegistry } from '@stitch/central';
import { startTestCentral } from '@stitch/test-support/central';
import { startAgent } from './agent.ts';
import { startLinkedAgent } from '@stitch/test-support/linked-agent';

/** A stock X-Ray sampler of `service` polling an agent, and the share of new traces it samples. */
function samplerOf(endpoint: string, service: string, t: { after: (fn: () => void) => void }) {
  const sampler = new AWSXRayRemoteSampler({ resource: resourceFromAttributes({ 'service.name': service }), endpoint, pollingInterval: 10 });
  t.after(() => (sampler as unknown as { stopPollers?: () => void }).stopPollers?.());
  let n = 0;
  return (count: number) => {
    let sampled = 0;
    for (let i = 0; i < count; i++) {
      const traceId = (++n).toString(16).padStart(32, 'b');
      if (sampler.shouldSample(ROOT_CONTEXT, traceId, 'POST /charges', SpanKind.SERVER, { 'http.request.method': 'POST', 'url.path': '/charges' }, []).decision === SamplingDecision.RECORD_AND_SAMPLED) sampled++;
    }
    return sampled / count;
  };
}

async function waitFor(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test("the stock OpenTelemetry X-Ray sampler, polling an agent, obeys central's rule change within one target poll", { timeout: 60_000 }, async (t) => {
  const { central, agent, stop } = await startLinkedAgent({ id: '555555555555', name: 'payments' });
  t.after(stop);
  const put = (body: unknown) => fetch(`${central.url}/api/sampling/rules`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  // Nothing sampled: no reservoir, no rate.
  assert.equal((await put({ version: 2, rules: [], default: { fixed_target: 0, rate: 0 } })).status, 200);

  const sampledShare = samplerOf(agent.samplingUrl, 'payments', t);
  // The first rules poll is immediate; until the first targets a rule may borrow one a second.
  await waitFor('the agent\'s rules in the sampler', () => sampledShare(200) <= 0.01, 5_000);

  // Debugging payments: 100 %, for the next 30 minutes.
  const changedAt = Date.now();
  const added = await fetch(`${central.url}/api/sampling/rules`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'debug-payments', priority: 1, fixedTarget: 0, rate: 1, serviceName: 'payments', for: '30m' }) });
  assert.equal(added.status, 201);
  await waitFor('the new rule in the sampler', () => sampledShare(100) === 1, 25_000);
  const tookMs = Date.now() - changedAt;
  assert.ok(tookMs <= 21_000, `obeyed after ${tookMs} ms (one target poll is 10 s, plus jitter and the rules poll it triggers)`);
});

test("a linked account's own rule samples its services only: the same service in another account keeps the admin's rules", { timeout: 90_000 }, async (t) => {
  const ADMIN = 'admin-token-0123456789abcdef';
  const registry = await LinkRegistry.open(null);
  const central = await startTestCentral({ links: registry, adminToken: ADMIN });
  t.after(() => central.stop());
  const sink = await registry.createSink({ name: 'observability', allowedAccounts: ['*'], types: ['traces'] });
  const agentOf = async (id: string, canChangeSampling: boolean) => {
    const { token } = await registry.createLink(sink.id, { accountId: id, accountName: id, types: ['traces'], labelTemplate: '$AccountName', canChangeSampling });
    const agent = await startAgent({ account: { id, name: id }, sinkUrl: central.url, token, port: 0, udpPort: 0, samplingPort: 0, log: () => {} });
    t.after(() => agent.close());
    return { agent, token };
  };
  const mine = await agentOf('555555555555', true);
  const theirs = await agentOf('666666666666', false);
  const admin = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` };
  assert.equal((await fetch(`${central.url}/api/sampling/rules`, { method: 'PUT', headers: admin, body: JSON.stringify({ version: 2, rules: [], default: { fixed_target: 0, rate: 0 } }) })).status, 200);

  // Both accounts run a service named payments.
  const mineShare = samplerOf(mine.agent.samplingUrl, 'payments', t);
  const theirsShare = samplerOf(theirs.agent.samplingUrl, 'payments', t);
  await waitFor('the rules in both samplers', () => mineShare(200) <= 0.01 && theirsShare(200) <= 0.01, 5_000);

  const added = await fetch(`${central.url}/api/sampling/rules`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${mine.token}` },
    body: JSON.stringify({ name: 'debug-my-payments', priority: 1, fixedTarget: 0, rate: 1, serviceName: 'payments', for: '30m' }),
  });
  assert.equal(added.status, 201);
  await waitFor("the link's rule in its own account's sampler", () => mineShare(100) === 1, 25_000);
  // The other sampler has been told the rules changed too (one target poll is 10 s): it must keep sampling nothing.
  const watchUntil = Date.now() + 12_000;
  while (Date.now() < watchUntil) {
    assert.ok(theirsShare(200) <= 0.01, "the other account's payments is not sampled by the link's rule");
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
});
