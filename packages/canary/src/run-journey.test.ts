import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Journey } from './journey.ts';
import { runJourney } from './run-journey.ts';
import { runSpans, SYNTHETIC_ACCOUNT } from './run-spans.ts';
import { startTargetServer, type TargetServer } from '@stitch/test-support/target-server';

let target: TargetServer;
before(async () => (target = await startTargetServer()));
after(() => target.close());

const journey = (steps: Journey['steps']): Journey => ({ id: 'checkout', name: 'checkout', everySeconds: 60, steps });

test('every step passes: the target receives the run\'s trace id in both formats, each step its own parent span, marked synthetic', async () => {
  const before = target.received.length;
  const run = await runJourney(
    journey([
      { name: 'place order', method: 'POST', url: `${target.url}/order`, headers: { 'x-shop': 'canary' }, body: '{"sku":"A-1"}', assertions: [{ status: 200 }, { header: 'x-region', equals: 'eu-west-1' }, { jsonPath: 'order.status', equals: 'placed' }] },
      { name: 'health', method: 'GET', url: `${target.url}/status/204`, assertions: [{ status: 204 }, { maxDurationMs: 5_000 }] },
    ]),
  );
  assert.equal(run.ok, true, run.failure ?? '');
  const seen = target.received.slice(before);
  assert.equal(seen.length, 2);
  assert.deepEqual(
    seen.map((request) => [request.method, request.path, request.body]),
    [['POST', '/order', '{"sku":"A-1"}'], ['GET', '/status/204', '']],
  );
  for (const [index, request] of seen.entries()) {
    const step = run.steps[index]!;
    assert.equal(request.headers.traceparent, `00-${run.traceId}-${step.spanId}-01`);
    assert.equal(request.headers['x-amzn-trace-id'], `Root=1-${run.traceId.slice(0, 8)}-${run.traceId.slice(8)};Parent=${step.spanId};Sampled=1`);
    assert.equal(request.headers.baggage, 'stitch.synthetic=true');
    assert.equal(step.status, [200, 204][index]);
  }
  assert.equal(seen[0]!.headers['x-shop'], 'canary', "the journey's own headers are sent");
  // Durations as the target saw them bound the canary's from below (the target answers after it received the request).
  for (const [index, request] of seen.entries()) assert.ok(run.steps[index]!.durationMs + 1 >= request.answeredAtMs! - request.receivedAtMs);
});

test('a failing assertion fails its step with the assertion named, and the steps after it are not run', async () => {
  const before = target.received.length;
  const run = await runJourney(
    journey([
      { name: 'pay', method: 'GET', url: `${target.url}/status/503`, assertions: [{ status: 200 }] },
      { name: 'confirm', method: 'GET', url: `${target.url}/order`, assertions: [] },
    ]),
  );
  assert.equal(run.ok, false);
  assert.equal(run.failure, 'pay: status = 200 failed: got 503');
  assert.equal(run.steps.length, 1);
  assert.equal(target.received.length - before, 1, 'the target never saw the second step');
});

test('a step slower than its timeout fails as a timeout, close to that time', async () => {
  const run = await runJourney(journey([{ name: 'slow', method: 'GET', url: `${target.url}/slow/2000`, timeoutMs: 300, assertions: [] }]));
  assert.equal(run.ok, false);
  assert.equal(run.steps[0]!.failure, 'timed out after 300 ms');
  assert.equal(run.steps[0]!.status, null);
  assert.ok(run.steps[0]!.durationMs >= 290 && run.steps[0]!.durationMs < 1_500, `${run.steps[0]!.durationMs} ms`);
});

test('a refused connection is the step\'s failure, not an exception', async () => {
  const closed = await startTargetServer();
  await closed.close();
  const run = await runJourney(journey([{ name: 'down', method: 'GET', url: `${closed.url}/order`, assertions: [{ status: 200 }] }]));
  assert.equal(run.ok, false);
  assert.match(run.failure!, /^down: request failed: ECONNREFUSED/);
});

test("a run's spans: a root server span of the canary's service and a client span per step, parents right, failures in the status", async () => {
  const run = await runJourney(
    journey([
      { name: 'place order', method: 'POST', url: `${target.url}/order`, assertions: [{ status: 200 }] },
      { name: 'pay', method: 'GET', url: `${target.url}/status/502`, assertions: [{ status: 200 }] },
    ]),
  );
  const [root, order, pay] = runSpans(run);
  assert.equal(root!.resource.serviceName, 'canary:checkout');
  assert.deepEqual(root!.account, SYNTHETIC_ACCOUNT);
  assert.equal(root!.kind, 'server');
  assert.equal(root!.parentSpanId, null);
  assert.deepEqual(root!.status, { code: 'error', message: 'pay: status = 200 failed: got 502' });
  assert.equal(root!.http.statusCode, null, 'a failed run is a fault whatever the step got');
  assert.equal(order!.kind, 'client');
  assert.equal(order!.parentSpanId, root!.spanId);
  assert.equal(order!.spanId, run.steps[0]!.spanId);
  assert.deepEqual(order!.http, { method: 'POST', route: null, url: `${target.url}/order`, statusCode: 200 });
  assert.equal(order!.status.code, 'unset');
  assert.deepEqual(pay!.status, { code: 'error', message: 'status = 200 failed: got 502' });
  for (const span of [root!, order!, pay!]) {
    assert.equal(span.attributes['stitch.synthetic'], true);
    assert.equal(span.traceId, run.traceId);
  }
  assert.ok(root!.endTimeUnixNano >= pay!.endTimeUnixNano && root!.startTimeUnixNano <= order!.startTimeUnixNano);
});
