import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, type ClientRequest } from 'node:http';
import { makeSpan, type Span } from '@stitch/model';
import { spansToOtlpJson } from '@stitch/wire';
import { startAgent, type RunningAgent } from '@stitch/agent';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';

// The bytes of bodies read at once are bounded: a burst of large exports gets 503 + Retry-After
// (which exporters retry) instead of being read into memory all together.

const BUDGET = 1024 * 1024;
const bodyOf = (spans: Span[]) => Buffer.from(JSON.stringify(spansToOtlpJson(spans)));
const spansOf = (count: number, name: string) => Array.from({ length: count }, () => makeSpan({ name, attributes: { filler: 'x'.repeat(400) } }));

/** Starts a POST that declares `body` but sends only its first half, holding its share of the budget. */
function halfSent(url: string, body: Buffer): { req: ClientRequest; finish: () => Promise<number> } {
  let answered: (status: number) => void;
  const status = new Promise<number>((resolve) => (answered = resolve));
  const req = request(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(body.length) } }, (res) => {
    res.resume();
    res.on('end', () => answered(res.statusCode ?? 0));
  });
  req.write(body.subarray(0, body.length / 2));
  return {
    req,
    finish: () => {
      req.end(body.subarray(body.length / 2));
      return status;
    },
  };
}

const post = (url: string, body: Buffer) => fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: new Uint8Array(body) });

describe('the budget of request bodies read at once (central and the agent)', () => {
  let central: TestCentral;
  let agent: RunningAgent;
  before(async () => {
    central = await startTestCentral({ maxBodyBytesInFlight: BUDGET });
    const json = { 'content-type': 'application/json' };
    const sink = (await (await fetch(`${central.url}/api/sinks`, { method: 'POST', headers: json, body: JSON.stringify({ name: 'all', allowedAccounts: ['*'], types: ['traces'] }) })).json()) as { sink: { id: string } };
    const link = (await (await fetch(`${central.url}/api/sinks/${sink.sink.id}/links`, { method: 'POST', headers: json, body: JSON.stringify({ accountId: '444444444444', accountName: 'payments' }) })).json()) as { token: string };
    agent = await startAgent({ account: { id: '444444444444', name: 'payments' }, sinkUrl: central.url, token: link.token, port: 0, udpPort: 0, samplingPort: 0, maxBodyBytesInFlight: BUDGET, log: () => {} });
  });
  after(async () => {
    await agent.close();
    await central.stop();
  });

  for (const target of ['central', 'agent'] as const) {
    test(`${target}: while one body holds most of it, the next is a 503 with Retry-After naming the budget; once the first is in, the retry is accepted`, async () => {
      const url = target === 'central' ? central.url : agent.otlpUrl;
      const first = bodyOf(spansOf(1200, `${target}-first`));
      const second = bodyOf(spansOf(800, `${target}-second`));
      assert.ok(first.length < BUDGET && first.length + second.length > BUDGET, `bodies of ${first.length} and ${second.length} bytes straddle the budget`);
      const holding = halfSent(url, first);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const refused = await post(url, second);
      assert.equal(refused.status, 503);
      assert.equal(refused.headers.get('retry-after'), '1');
      assert.match(((await refused.json()) as { message: string }).message, /^request body: other requests hold the 1048576 bytes of bodies read at once \(--max-body-bytes-in-flight\)/);
      assert.equal(await holding.finish(), 200);
      const retried = await post(url, second);
      assert.equal(retried.status, 200, 'the retry fits once the first body is decoded');
    });
  }

  test('a body alone may use its whole size limit, even past the budget', async () => {
    const large = bodyOf(spansOf(3000, 'alone'));
    assert.ok(large.length > BUDGET);
    // The agent's own deliveries to central share central's budget (and may have been told to retry).
    const deadline = Date.now() + 30_000;
    while (!(await agent.forwarder!.whenIdle())) assert.ok(Date.now() < deadline, 'the agent delivers its spool');
    assert.equal((await post(central.url, large)).status, 200);
    assert.equal((await post(agent.otlpUrl, large)).status, 200);
  });
});
