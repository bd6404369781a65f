import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CanaryJson, CanaryRunRecord } from '@stitch/canary';
import { startTargetServer, type TargetServer } from '@stitch/test-support/target-server';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { CanaryRegistry } from './canary-registry.ts';

interface TraceSpanJson {
  spanId: string;
  parentSpanId: string | null;
  resource: { serviceName: string };
  kind: string;
  account: { id: string; label: string };
  attributes: Record<string, unknown>;
  status: { code: string; message: string };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('canaries through central: scheduled and on demand, each run a stored trace', () => {
  let central: TestCentral;
  let target: TargetServer;
  let dataDir: string;
  const call = async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${central.url}${path}`, { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
    return { status: response.status, body: (await response.json()) as T };
  };
  const seenOn = (path: string) => target.received.filter((request) => request.path === path);

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'stitch-canaries-'));
    target = await startTargetServer({ flakyEvery: 3 });
    central = await startTestCentral({ canaries: await CanaryRegistry.open(join(dataDir, 'canaries.json')) });
  });
  after(async () => {
    await central?.stop();
    await target?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('a canary every second runs on time; every run is a trace with the id the target received in both headers, marked synthetic', async () => {
    const created = await call<{ canary: CanaryJson }>('POST', '/api/canaries', {
      id: 'orders',
      name: 'orders',
      everySeconds: 1,
      steps: [{ name: 'place order', method: 'POST', url: `${target.url}/order`, body: '{}', assertions: [{ status: 200 }, { jsonPath: 'order.status', equals: 'placed' }] }],
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.canary.service, 'canary:orders');
    await sleep(3_400);
    await call('DELETE', '/api/canaries/orders').then(({ status }) => assert.equal(status, 200));
    const seen = seenOn('/order');
    // Due at 0, 1, 2 and 3 s: four runs, a second apart by the target's own clock.
    assert.equal(seen.length, 4, `${seen.length} requests`);
    // On the grid of the first due time (the very first request also pays for the connection, so it may arrive late).
    for (let i = 2; i < seen.length; i++) {
      const offset = seen[i]!.receivedAtMs - seen[1]!.receivedAtMs;
      assert.ok(Math.abs(offset - (i - 1) * 1_000) < 200, `run ${i} came ${offset} ms after run 1`);
    }
    assert.ok(seen[1]!.receivedAtMs - seen[0]!.receivedAtMs < 1_200);
    for (const request of seen) {
      const traceId = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(request.headers.traceparent))![1]!;
      assert.equal(request.headers['x-amzn-trace-id'], `Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)};Parent=${/-([0-9a-f]{16})-01$/.exec(String(request.headers.traceparent))![1]};Sampled=1`);
      assert.equal(request.headers.baggage, 'stitch.synthetic=true');
      const trace = await call<{ spans: TraceSpanJson[] }>('GET', `/api/traces/${traceId}`);
      assert.equal(trace.status, 200, `trace ${traceId} stored`);
      const [root, step] = trace.body.spans;
      assert.equal(root!.resource.serviceName, 'canary:orders');
      assert.equal(root!.kind, 'server');
      assert.deepEqual(root!.account, { id: 'synthetic', label: 'synthetic canaries' });
      assert.equal(step!.kind, 'client');
      assert.equal(step!.parentSpanId, root!.spanId);
      assert.ok(String(request.headers.traceparent).includes(step!.spanId), 'the target saw the step span as its parent');
      for (const span of trace.body.spans) assert.equal(span.attributes['stitch.synthetic'], true);
    }
  });

  test('runs on demand: runs, failures and durations match what the target recorded; recent runs newest first', async () => {
    await call('POST', '/api/canaries', { id: 'flaky', name: 'flaky', everySeconds: 3_600, steps: [{ name: 'flaky call', method: 'GET', url: `${target.url}/flaky`, assertions: [{ status: 200 }] }] });
    await sleep(300); // the first scheduled run (right after creation)
    const runs: CanaryRunRecord[] = [];
    for (let i = 0; i < 8; i++) runs.push((await call<{ run: CanaryRunRecord }>('POST', '/api/canaries/flaky/run')).body.run);
    const seen = seenOn('/flaky');
    assert.equal(seen.length, 9);
    // The target answered 503 to its 3rd, 6th and 9th calls: the canary counts those failures.
    const { body } = await call<{ canary: CanaryJson }>('GET', '/api/canaries/flaky');
    assert.deepEqual(body.canary.stats, { runs: 9, failures: 3, skipped: 0 });
    assert.deepEqual(
      runs.map((run) => run.ok),
      seen.slice(1).map((_, i) => (i + 2) % 3 !== 0),
    );
    const failed = runs.find((run) => !run.ok)!;
    assert.equal(failed.failure, 'flaky call: status = 200 failed: got 503');
    assert.equal(failed.trigger, 'manual');
    assert.equal(failed.stored, true);
    for (const [i, run] of runs.entries()) {
      const request = seen[i + 1]!;
      assert.ok(String(request.headers.traceparent).includes(run.traceId));
      // The canary's step lasts at least as long as the target took to answer, and not much longer on loopback.
      const targetMs = request.answeredAtMs! - request.receivedAtMs;
      assert.ok(run.steps[0]!.durationMs + 1 >= targetMs && run.steps[0]!.durationMs < targetMs + 200, `step ${run.steps[0]!.durationMs} ms, target ${targetMs} ms`);
    }
    const recent = await call<{ runs: CanaryRunRecord[] }>('GET', '/api/canaries/flaky/runs?limit=5');
    assert.deepEqual(
      recent.body.runs.map((run) => run.traceId),
      runs.slice(-5).reverse().map((run) => run.traceId),
    );
    const list = await call<{ canaries: CanaryJson[] }>('GET', '/api/canaries');
    assert.equal(list.body.canaries.find((canary) => canary.id === 'flaky')!.lastRun!.traceId, runs.at(-1)!.traceId);
    // The failed runs are faults of the canary's service: a search finds exactly them.
    const faults = await call<{ traces: Array<{ traceId: string }> }>('GET', `/api/traces?q=${encodeURIComponent('service("canary:flaky") { fault }')}&start=${Date.now() - 60_000}&limit=100`);
    assert.equal(faults.body.traces.length, 3);
  });

  test('no overlap: a run slower than the interval makes the next due times skip, and the target never sees two at once', async () => {
    const before = seenOn('/slow/1500').length;
    await call('POST', '/api/canaries', { id: 'slow', name: 'slow', everySeconds: 1, steps: [{ name: 'slow call', method: 'GET', url: `${target.url}/slow/1500`, assertions: [{ maxDurationMs: 1_000 }] }] });
    const run = (await call<{ run: CanaryRunRecord }>('POST', '/api/canaries/slow/run')).body.run; // answers the run already going
    await sleep(1_800);
    const { stats } = (await call<{ canary: CanaryJson }>('GET', '/api/canaries/slow')).body.canary;
    await call('DELETE', '/api/canaries/slow');
    const seen = seenOn('/slow/1500').slice(before);
    assert.equal(target.maxInFlight(), 1);
    assert.equal(run.trigger, 'schedule', 'run now answered the scheduled run in flight');
    assert.match(run.failure!, /^slow call: duration <= 1000 ms failed: got 15\d\d ms$/);
    // Due at 0, 1, 2, 3 s (deleted at about 3.3 s, during the second run): runs start at 0 and 2 (each lasting 1.5 s); 1 and 3 are skipped.
    assert.equal(seen.length, 2);
    assert.ok(seen[1]!.receivedAtMs - seen[0]!.receivedAtMs > 1_850, 'the second run started on the 2 s due time');
    assert.deepEqual(stats, { runs: 1, failures: 1, skipped: 2 });
  });

  test("an SLO on a canary's service counts its runs: good ones are those the target answered 200", async () => {
    const before = seenOn('/flaky').length;
    await call('POST', '/api/canaries', { id: 'slo', name: 'slo', everySeconds: 3_600, steps: [{ name: 'flaky call', method: 'GET', url: `${target.url}/flaky`, assertions: [{ status: 200 }] }] });
    await call('POST', '/api/canaries/slo/run'); // answers the run on creation
    for (let i = 0; i < 9; i++) await call('POST', '/api/canaries/slo/run');
    await call('DELETE', '/api/canaries/slo');
    await central.flushMetrics();
    const seen = seenOn('/flaky').slice(before);
    assert.equal(seen.length, 10);
    // The target's own count: every 3rd /flaky call of its life answered 503.
    const good = seen.filter((_, i) => (before + i + 1) % 3 !== 0).length;
    const slo = await call<{ status: { total: number; good: number; compliance: number; met: boolean } }>('POST', '/api/slos', { name: 'slo canary succeeds', selector: { service: 'canary:slo' }, objective: { kind: 'success' }, target: 0.9, windowDays: 7 });
    assert.equal(slo.status, 201, JSON.stringify(slo.body));
    assert.equal(slo.body.status.total, 10);
    assert.equal(slo.body.status.good, good);
    assert.equal(slo.body.status.compliance, good / 10);
    assert.equal(slo.body.status.met, false, `${good} of 10 is under 90 %`);
  });

  test('the journeys are kept in canaries.json, every change audited', async () => {
    const reopened = await CanaryRegistry.open(join(dataDir, 'canaries.json'));
    assert.deepEqual(reopened.list().map((journey) => journey.id), ['flaky']);
    const audit = (await readFile(join(dataDir, 'canaries.json.audit.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { action: string; id: string });
    assert.deepEqual(audit.map((entry) => `${entry.action} ${entry.id}`), ['canary.create orders', 'canary.delete orders', 'canary.create flaky', 'canary.create slow', 'canary.delete slow', 'canary.create slo', 'canary.delete slo']);
  });

  test('garbage, hostile and oversized input: 400 naming the field, 404, 405, 409, 413; central keeps serving', async () => {
    const step = { name: 's', method: 'GET', url: `${target.url}/order`, assertions: [] };
    const cases: Array<[string, string, unknown, number, RegExp]> = [
      ['POST', '/api/canaries', '{not json', 400, /^body: not JSON/],
      ['POST', '/api/canaries', { name: 'x', everySeconds: 60 }, 400, /^steps: /],
      ['POST', '/api/canaries', { name: 'x', everySeconds: 60, steps: [{ ...step, url: 'file:///etc/passwd' }] }, 400, /^steps\.0\.url: must be an absolute http/],
      ['POST', '/api/canaries', { name: 'x', everySeconds: 60, steps: [{ ...step, url: 'gopher://127.0.0.1:6379/' }] }, 400, /^steps\.0\.url: /],
      ['POST', '/api/canaries', { name: 'x', everySeconds: 60, steps: [{ ...step, headers: { baggage: 'x' } }] }, 400, /^steps\.0\.headers: the runner sets/],
      ['POST', '/api/canaries', { name: 'x', everySeconds: 0, steps: [step] }, 400, /^everySeconds: /],
      ['POST', '/api/canaries', { name: '<script>', everySeconds: 60, steps: [step] }, 400, /^name: /],
      ['POST', '/api/canaries', { id: '../etc', name: 'x', everySeconds: 60, steps: [step] }, 400, /^id: /],
      ['POST', '/api/canaries', { name: 'flaky', everySeconds: 60, steps: [step] }, 409, /^name: a canary named flaky exists/],
      ['POST', '/api/canaries', 'x'.repeat(3 * 1024 * 1024), 413, /exceeds/],
      ['PUT', '/api/canaries/flaky', { id: 'other', name: 'flaky', everySeconds: 60, steps: [step] }, 400, /^id: the body names other/],
      ['GET', '/api/canaries/nope', undefined, 404, /^canary: no canary with id "nope"/],
      ['POST', '/api/canaries/nope/run', undefined, 404, /^canary: /],
      ['GET', '/api/canaries/flaky/runs?limit=0', undefined, 400, /^limit: /],
      ['GET', '/api/canaries/%zz', undefined, 400, /^canary: /],
      ['PATCH', '/api/canaries/flaky', {}, 405, /^method: /],
      ['GET', '/api/canaries/flaky/run', undefined, 405, /^method: /],
    ];
    for (const [method, path, body, status, message] of cases) {
      const answer = await call<{ error: string }>(method, path, body);
      assert.equal(answer.status, status, `${method} ${path} ${JSON.stringify(body)?.slice(0, 80)}: ${answer.body.error}`);
      assert.match(answer.body.error, message);
    }
    assert.equal((await call('GET', '/api/canaries')).status, 200);
  });

  test('PUT replaces a journey and reschedules it at once', async () => {
    const before = seenOn('/order').length;
    const replaced = await call<{ canary: CanaryJson }>('PUT', '/api/canaries/flaky', { name: 'flaky', everySeconds: 3_600, steps: [{ name: 'order', method: 'GET', url: `${target.url}/order`, assertions: [{ header: 'x-region', equals: 'eu-west-1' }] }] });
    assert.equal(replaced.status, 200);
    await sleep(300);
    assert.equal(seenOn('/order').length, before + 1);
    assert.equal((await call<{ canary: CanaryJson }>('GET', '/api/canaries/flaky')).body.canary.lastRun!.ok, true);
  });
});

test('with an admin token: reading canaries needs the read token, changing and running them the admin token', async () => {
  const central = await startTestCentral({ adminToken: 'admin-token-0123456789abcdef', readToken: 'read-token-0123456789abcdef' });
  try {
    const send = (method: string, path: string, token?: string) =>
      fetch(`${central.url}${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(method === 'POST' ? { body: JSON.stringify({ name: 'x', everySeconds: 60, steps: [{ name: 's', method: 'GET', url: 'http://127.0.0.1:9/', assertions: [] }] }) } : {}) });
    assert.equal((await send('GET', '/api/canaries')).status, 401);
    assert.equal((await send('GET', '/api/canaries', 'read-token-0123456789abcdef')).status, 200);
    const refused = await send('POST', '/api/canaries', 'read-token-0123456789abcdef');
    assert.equal(refused.status, 403);
    assert.match(((await refused.json()) as { error: string }).error, /^authorization: /);
    assert.equal((await send('POST', '/api/canaries')).status, 401);
    assert.equal((await send('POST', '/api/canaries', 'admin-token-0123456789abcdef')).status, 201);
  } finally {
    await central.stop();
  }
});
