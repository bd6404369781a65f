import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITED_ATTRIBUTES_ATTRIBUTE, makeSpan, nanos, SPAN_LIMITS, type Span } from '@stitch/model';
import { spansToOtlpJson } from '@stitch/wire';
import { startAgent, type RunningAgent } from '@stitch/agent';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';

// Each limit of ingest and query, hit on purpose: every refusal names its limit.

const post = async (url: string, spans: Span[]) => {
  const response = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spansToOtlpJson(spans)) });
  return { status: response.status, body: (await response.json()) as { message?: string; error?: string; partialSuccess?: { rejectedSpans: string; errorMessage: string } } };
};

const startNs = BigInt(Date.now()) * 1_000_000n;
let spanCounter = 0;
const spansOfTrace = (traceId: string, count: number) =>
  Array.from({ length: count }, () => makeSpan({ traceId, spanId: (++spanCounter).toString(16).padStart(16, '0'), startTimeUnixNano: nanos(startNs), endTimeUnixNano: nanos(startNs + 1_000_000n) }));

describe('limits, each refusal naming its limit', () => {
  let central: TestCentral;
  let agent: RunningAgent;
  before(async () => {
    central = await startTestCentral({ maxSpansPerRequest: 300, maxSpansPerTrace: 250 });
    agent = await startAgent({ account: { id: '444444444444', name: 'payments' }, sinkUrl: central.url, token: 'unused', port: 0, udpPort: 0, samplingPort: 0, maxSpansPerRequest: 300, log: () => {} });
  });
  after(async () => {
    await agent.close();
    await central.stop();
  });

  test('spans per request: a 413 from central and from the agent', async () => {
    for (const url of [central.url, agent.otlpUrl]) {
      const refused = await post(url, spansOfTrace('a1'.repeat(16), 301));
      assert.equal(refused.status, 413, url);
      assert.match(refused.body.message!, /^spans: 301 spans in one request exceed the limit of 300 spans per request/);
    }
  });

  test('spans per trace: past the limit, the trace\'s further spans are refused one by one and named', async () => {
    const traceId = 'b2'.repeat(16);
    for (let i = 0; i < 2; i++) assert.equal((await post(central.url, spansOfTrace(traceId, 100))).body.partialSuccess, undefined);
    const third = await post(central.url, [...spansOfTrace(traceId, 100), ...spansOfTrace('c3'.repeat(16), 5)]);
    assert.equal(third.status, 200);
    assert.equal(third.body.partialSuccess!.rejectedSpans, '50');
    assert.match(third.body.partialSuccess!.errorMessage, /^50 of 105 spans rejected: span 50 \(\w+\): traceId: trace b2b2\S+ has reached the limit of 250 spans per trace/);
    const fourth = await post(central.url, spansOfTrace(traceId, 10));
    assert.equal(fourth.status, 400);
    assert.match(fourth.body.message!, /all 10 spans were rejected: .*limit of 250 spans per trace/);
    const stored = (await (await fetch(`${central.url}/api/traces/${traceId}`)).json()) as { spans: unknown[] };
    assert.equal(stored.spans.length, 250);
    const other = (await (await fetch(`${central.url}/api/traces/${'c3'.repeat(16)}`)).json()) as { spans: unknown[] };
    assert.equal(other.spans.length, 5, 'the other trace of the request is whole');
  });

  test('attributes per span and value length: kept, cut to the limits, and the answer says so', async () => {
    const attributes: Record<string, string> = { 'exception.stacktrace': 'x'.repeat(100_000) };
    for (let i = 0; i < 300; i++) attributes[`attribute.${i}`] = String(i);
    const [span] = spansOfTrace('d4'.repeat(16), 1);
    const answer = await post(central.url, [{ ...span!, attributes }]);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.partialSuccess!.rejectedSpans, '0', 'a warning, not a refusal');
    assert.match(answer.body.partialSuccess!.errorMessage, new RegExp(`^attributes: 1 spans were kept with attributes cut to the limits \\(${SPAN_LIMITS.attributesPerSpan} attributes a span, ${SPAN_LIMITS.attributeValueChars} characters a value`));
    const stored = ((await (await fetch(`${central.url}/api/traces/${'d4'.repeat(16)}`)).json()) as { spans: Array<{ attributes: Record<string, unknown> }> }).spans[0]!;
    assert.equal(Object.keys(stored.attributes).length, SPAN_LIMITS.attributesPerSpan + 1);
    assert.equal((stored.attributes['exception.stacktrace'] as string).length, SPAN_LIMITS.attributeValueChars);
    assert.equal(stored.attributes[LIMITED_ATTRIBUTES_ATTRIBUTE], 301 - SPAN_LIMITS.attributesPerSpan + 1);
  });

  test('query window and result size', async () => {
    const wide = await fetch(`${central.url}/api/traces?start=${Date.now() - 40 * 86_400_000}`);
    assert.equal(wide.status, 400);
    assert.match(((await wide.json()) as { error: string }).error, /^start: the window may span at most 31 days \(the limit of a search window\)/);
    const many = await fetch(`${central.url}/api/traces?limit=1001`);
    assert.match(((await many.json()) as { error: string }).error, /^limit: must be an integer from 1 to 1000/);
  });
});
