// The header-triggered debug rule end to end: a service traced by the SDK alone (zero-code),
// sampling by the rules its agent relays from central; central samples nothing by default,
// and 100 % of requests that carry `X-Debug: true`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLinkedAgent } from '@stitch/test-support/linked-agent';
import { CHAIN_SERVICE_SCRIPT, startZeroCode } from '@stitch/test-support/sdk';

test('X-Debug: true is sampled at 100 % through the SDK, the agent and central; other requests by the default (nothing)', { timeout: 60_000 }, async (t) => {
  const { central, agent, stop } = await startLinkedAgent({ id: '555555555555', name: 'payments' });
  t.after(stop);
  const rules = {
    version: 2,
    rules: [{ description: 'debug header', service_name: '*', http_method: '*', url_path: '*', fixed_target: 0, rate: 1, attributes: { 'http.request.header.x-debug': 'true' } }],
    default: { fixed_target: 0, rate: 0 },
  };
  assert.equal((await fetch(`${central.url}/api/sampling/rules`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rules) })).status, 200);

  const service = startZeroCode('payments', CHAIN_SERVICE_SCRIPT, {
    STITCH_SERVICE_NAME: 'payments',
    STITCH_ACCOUNT_ID: '555555555555',
    STITCH_AGENT_ENDPOINT: agent.otlpUrl,
    STITCH_SAMPLING_ENDPOINT: agent.samplingUrl,
  });
  t.after(() => service.stop());
  const url = (await service.waitForLine(/listening on (http:\/\/\S+)/))[1]!;
  // The sampler fetches the rules as it starts; give it that first answer.
  await new Promise((resolve) => setTimeout(resolve, 1_500));

  const send = async (debug: boolean) => {
    const response = await fetch(`${url}/charge`, { headers: debug ? { 'X-Debug': 'true' } : {} });
    assert.equal(response.status, 200);
  };
  for (let i = 0; i < 8; i++) await send(false);
  for (let i = 0; i < 8; i++) await send(true);

  const stored = async () => {
    const answer = (await (await fetch(`${central.url}/api/traces?service=payments&start=${Date.now() - 86_400_000}&limit=100`)).json()) as { traces: unknown[] };
    return answer.traces.length;
  };
  const deadline = Date.now() + 15_000;
  while ((await stored()) < 8 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
  const count = await stored();
  // Before its first targets a rule may borrow one request a second from the reservoir: a few plain ones at most (all 16 if the header were ignored by sampling and everything kept).
  assert.ok(count >= 8 && count <= 12, `${count} traces stored: all 8 debug requests, at most 4 others`);
});
