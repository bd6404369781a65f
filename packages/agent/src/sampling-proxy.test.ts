import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AWSXRayRemoteSampler } from '@opentelemetry/sampler-aws-xray';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { startLinkedAgent } from './test-support/linked-agent.ts';

test("the stock OpenTelemetry X-Ray sampler, polling an agent, obeys central's rule change within one target poll", { timeout: 60_000 }, async (t) => {
  const { central, agent, stop } = await startLinkedAgent({ id: '555555555555', name: 'payments' });
  t.after(stop);
  const put = (body: unknown) => fetch(`${central.url}/api/sampling/rules`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  // Nothing sampled: no reservoir, no rate.
  assert.equal((await put({ version: 2, rules: [], default: { fixed_target: 0, rate: 0 } })).status, 200);

  const sampler = new AWSXRayRemoteSampler({ resource: resourceFromAttributes({ 'service.name': 'payments' }), endpoint: agent.samplingUrl, pollingInterval: 10 });
  t.after(() => (sampler as unknown as { stopPollers?: () => void }).stopPollers?.());
  let n = 0;
  const sampledShare = (count: number) => {
    let sampled = 0;
    for (let i = 0; i < count; i++) {
      const traceId = (++n).toString(16).padStart(32, 'a');
      if (sampler.shouldSample(ROOT_CONTEXT, traceId, 'POST /charges', SpanKind.SERVER, { 'http.request.method': 'POST', 'url.path': '/charges' }, []).decision === SamplingDecision.RECORD_AND_SAMPLED) sampled++;
    }
    return sampled / count;
  };
  const waitFor = async (what: string, done: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
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
