import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos, seededRandom, type Span } from '@stitch/model';
import { spansToOtlpJson } from '@stitch/wire';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { ok, startWebhookReceiver, type WebhookReceiver } from '@stitch/test-support/webhook-receiver';

const ADMIN = 'admin-token-alarms-0123456789';
const READ = 'read-token-alarms-0123456789';
const asAdmin = { authorization: `Bearer ${ADMIN}` };

const thresholdRule = (overrides: Record<string, unknown> = {}) => ({
  name: 'checkout p99',
  condition: { kind: 'threshold', selector: { service: 'checkout' }, metric: 'p99', comparator: '>', threshold: 2000, windowMinutes: 5 },
  webhooks: ['https://hooks.example.com/services/T000/B000/secret-part', 'http://127.0.0.1:9/alarm'],
  ...overrides,
});

describe('the alarms API', () => {
  let central: TestCentral;
  let hook: WebhookReceiver;
  before(async () => {
    [central, hook] = await Promise.all([
      startTestCentral({ adminToken: ADMIN, readToken: READ, alarms: { evaluateEveryMs: 3_600_000, webhookTimeoutMs: 500, webhookRetries: 1, webhookBackoffMs: 10 } }),
      startWebhookReceiver(ok),
    ]);
  });
  after(async () => {
    await central.stop();
    await hook.close();
  });

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = asAdmin) => {
    const response = await fetch(`${central.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };

  test('create, list with state, read, replace, delete; webhook secrets never shown', async () => {
    const created = await call('POST', '/api/alarms', thresholdRule());
    assert.equal(created.status, 201);
    const { alarm } = created.body;
    assert.match(alarm.id, /^alarm-[0-9a-f]{8}$/);
    assert.equal(alarm.state, 'INSUFFICIENT_DATA');
    assert.equal(alarm.datapointsToAlarm, 1, 'the default');
    assert.equal(alarm.description, 'p99 > 2000 ms over 5 min (service checkout)');
    assert.deepEqual(alarm.webhooks, ['https://hooks.example.com/services/…', 'http://127.0.0.1:9/alarm']);
    const listed = await call('GET', '/api/alarms', undefined, { authorization: `Bearer ${READ}` });
    assert.equal(listed.status, 200);
    assert.ok(listed.body.alarms.some((a: { id: string }) => a.id === alarm.id));
    assert.ok(!JSON.stringify(listed.body).includes('secret-part'));

    const replaced = await call('PUT', `/api/alarms/${alarm.id}`, thresholdRule({ name: 'checkout p99, 3 in a row', datapointsToAlarm: 3, webhooks: [] }));
    assert.equal(replaced.status, 200);
    assert.deepEqual([replaced.body.alarm.name, replaced.body.alarm.datapointsToAlarm, replaced.body.alarm.webhooks], ['checkout p99, 3 in a row', 3, []]);
    assert.equal((await call('GET', `/api/alarms/${alarm.id}`)).body.alarm.name, 'checkout p99, 3 in a row');
    assert.deepEqual((await call('GET', `/api/alarms/${alarm.id}/history`)).body, { id: alarm.id, history: [] });

    assert.deepEqual(await call('DELETE', `/api/alarms/${alarm.id}`), { status: 200, body: { deleted: alarm.id } });
    assert.equal((await call('GET', `/api/alarms/${alarm.id}`)).status, 404);
    assert.equal((await call('DELETE', `/api/alarms/${alarm.id}`)).status, 404);
  });

  test('evaluate now: no traffic breaches "requests < 1"; the webhook gets the event, the history its outcome', async () => {
    const created = await call('POST', '/api/alarms', {
      name: 'no checkout traffic',
      condition: { kind: 'threshold', selector: { service: 'checkout' }, metric: 'requests', comparator: '<', threshold: 1, windowMinutes: 5 },
      webhooks: [hook.url],
    });
    const id = created.body.alarm.id;
    const evaluated = await call('POST', `/api/alarms/${id}/evaluate`);
    assert.equal(evaluated.status, 200);
    assert.equal(evaluated.body.alarm.state, 'ALARM');
    assert.deepEqual(evaluated.body.evaluation, { outcome: 'breaching', value: 0, reason: 'requests 0 over 5 min is < 1' });
    assert.equal(evaluated.body.transition.to, 'ALARM');
    assert.deepEqual(evaluated.body.transition.deliveries, [{ url: hook.url, outcome: 'delivered', status: 200, attempts: 1 }]);
    assert.equal(hook.received.length, 1);
    assert.equal(hook.received[0]!.idempotencyKey, `${id}.1`);
    assert.equal((await call('POST', `/api/alarms/${id}/evaluate`)).body.transition, null, 'still ALARM');
    assert.equal(hook.received.length, 1, 'not sent twice');
    const history = await call('GET', `/api/alarms/${id}/history?limit=5`, undefined, { authorization: `Bearer ${READ}` });
    assert.deepEqual(
      history.body.history.map((entry: { from: string; to: string; notified: boolean }) => [entry.from, entry.to, entry.notified]),
      [['INSUFFICIENT_DATA', 'ALARM', true]],
    );
    assert.equal((await call('GET', `/api/alarms/${id}/history?limit=0`)).status, 400);
  });

  test('threshold and burn-rate figures match those computed here from the spans posted to /v1/traces', async () => {
    // 800 checkout requests over the last 4 minutes (some 4xx, some 5xx; 15 % slow, none near
    // the 2 s latency bucket), and pricing traffic that no checkout rule may count.
    const random = seededRandom(2026);
    const nowMs = Date.now();
    const sent: Array<{ service: string; latencyMs: number; status: number }> = [];
    const spans: Span[] = [];
    for (let i = 0; i < 1000; i++) {
      const service = i % 5 === 4 ? 'pricing' : 'checkout';
      const latencyMs = random() < 0.15 ? 2500 + random() * 3500 : 10 + random() * 1500;
      const roll = random();
      const status = roll < 0.05 ? 503 : roll < 0.12 ? 404 : 200;
      const startNs = BigInt(nowMs - 240_000 + Math.floor(random() * 235_000)) * 1_000_000n;
      sent.push({ service, latencyMs, status });
      spans.push(
        makeSpan({
          name: 'POST /checkout',
          kind: 'server',
          startTimeUnixNano: nanos(startNs),
          endTimeUnixNano: nanos(startNs + BigInt(Math.round(latencyMs * 1e6))),
          status: { code: status >= 500 ? 'error' : 'unset', message: '' },
          attributes: { 'http.request.method': 'POST', 'http.response.status_code': status },
          resource: { serviceName: service, attributes: { 'service.name': service } },
        }),
      );
    }
    const posted = await call('POST', '/v1/traces', JSON.stringify(spansToOtlpJson(spans)));
    assert.equal(posted.status, 200);
    await central.flushMetrics();

    const checkout = sent.filter((r) => r.service === 'checkout');
    const latencies = checkout.map((r) => r.latencyMs).sort((a, b) => a - b);
    const nearestRank = (q: number) => latencies[Math.ceil(q * latencies.length) - 1]!;
    const expected = {
      requests: checkout.length,
      faultRate: checkout.filter((r) => r.status >= 500).length / checkout.length,
      errorRate: checkout.filter((r) => r.status >= 400 && r.status < 500).length / checkout.length,
      avgLatencyMs: latencies.reduce((sum, ms) => sum + ms, 0) / latencies.length,
    };
    const evaluate = async (condition: Record<string, unknown>) => {
      const created = await call('POST', '/api/alarms', { name: `figure ${String(condition.metric ?? condition.kind)}`, condition });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return (await call('POST', `/api/alarms/${created.body.alarm.id}/evaluate`)).body as { alarm: { state: string }; evaluation: { value: number; reason: string } };
    };
    const onCheckout = { kind: 'threshold', selector: { service: 'checkout' }, windowMinutes: 5 };

    const requests = await evaluate({ ...onCheckout, metric: 'requests', comparator: '>=', threshold: expected.requests });
    assert.deepEqual([requests.evaluation.value, requests.alarm.state], [expected.requests, 'ALARM']);
    const faults = await evaluate({ ...onCheckout, metric: 'faultRate', comparator: '>', threshold: expected.faultRate });
    assert.deepEqual([faults.evaluation.value, faults.alarm.state], [expected.faultRate, 'OK'], 'not over its own value');
    const errors = await evaluate({ ...onCheckout, metric: 'errorRate', comparator: '>=', threshold: expected.errorRate });
    assert.deepEqual([errors.evaluation.value, errors.alarm.state], [expected.errorRate, 'ALARM']);
    const mean = await evaluate({ ...onCheckout, metric: 'avgLatencyMs', comparator: '>', threshold: 10_000 });
    assert.ok(Math.abs(mean.evaluation.value - expected.avgLatencyMs) < 1e-3, `${mean.evaluation.value} vs ${expected.avgLatencyMs}`);
    assert.equal(mean.alarm.state, 'OK');
    for (const [metric, q] of [['p50', 0.5], ['p90', 0.9], ['p99', 0.99]] as const) {
      const exact = nearestRank(q);
      const answer = await evaluate({ ...onCheckout, metric, comparator: '>', threshold: 2000 });
      // Tolerance: the latency sketch answers at most the exact value and less than 2 % under it.
      assert.ok(answer.evaluation.value <= exact + 1e-6 && answer.evaluation.value >= exact * 0.98, `${metric}: ${answer.evaluation.value} vs exact ${exact}`);
      assert.equal(answer.alarm.state, exact > 2000 ? 'ALARM' : 'OK', metric);
    }
    const elsewhere = await evaluate({ ...onCheckout, selector: { service: 'checkout', account: 'another-account' }, metric: 'p99', comparator: '>', threshold: 1 });
    assert.equal(elsewhere.alarm.state, 'INSUFFICIENT_DATA');

    // A burn-rate rule on a real SLO: checkout within 2 s for 99 %; every window holds all the traffic.
    const slo = await call('POST', '/api/slos', { name: 'checkout p99 under 2 s', selector: { service: 'checkout' }, objective: { kind: 'latency', thresholdMs: 2000 }, target: 0.99, windowDays: 30 });
    assert.equal(slo.status, 201, JSON.stringify(slo.body));
    const sloId = slo.body.slo?.id ?? slo.body.id;
    const burn = checkout.filter((r) => r.latencyMs > 2000).length / checkout.length / (1 - 0.99);
    const burning = await evaluate({ kind: 'burnRate', sloId, longWindowMinutes: 60, shortWindowMinutes: 5, factor: Math.floor(burn) });
    assert.ok(Math.abs(burning.evaluation.value - burn) < 1e-9, `${burning.evaluation.value} vs ${burn}`);
    assert.equal(burning.alarm.state, 'ALARM');
    const calm = await evaluate({ kind: 'burnRate', sloId, longWindowMinutes: 60, shortWindowMinutes: 5, factor: Math.ceil(burn) });
    assert.equal(calm.alarm.state, 'OK');
    const unknown = await call('POST', '/api/alarms', { name: 'no such SLO', condition: { kind: 'burnRate', sloId: 'nope' } });
    assert.deepEqual([unknown.status, unknown.body.error], [400, 'condition.sloId: no SLO nope (see GET /api/slos)']);
  });

  test('garbage, oversized and hostile rules are refused naming the field; central keeps serving', async () => {
    const cases: Array<[string, unknown, number, RegExp]> = [
      ['not JSON', '{"name":', 400, /^body: not JSON/],
      ['no name', { ...thresholdRule(), name: undefined }, 400, /^name: /],
      ['no condition', { name: 'x' }, 400, /^condition: /],
      ['an unknown kind', thresholdRule({ condition: { kind: 'anomaly' } }), 400, /^condition\.kind: /],
      ['an unknown metric', thresholdRule({ condition: { ...thresholdRule().condition, metric: 'p999' } }), 400, /^condition\.metric: /],
      ['a rate over 1', thresholdRule({ condition: { ...thresholdRule().condition, metric: 'errorRate', threshold: 5 } }), 400, /^condition\.threshold: a rate is a share from 0 to 1/],
      ['a negative threshold', thresholdRule({ condition: { ...thresholdRule().condition, threshold: -1 } }), 400, /^condition\.threshold: /],
      ['a window past the 7 days kept', thresholdRule({ condition: { ...thresholdRule().condition, windowMinutes: 10_081 } }), 400, /^condition\.windowMinutes: /],
      ['a SQL-ish selector', thresholdRule({ condition: { ...thresholdRule().condition, selector: { service: "x'; DROP TABLE spans; --", region: 'eu' } } }), 400, /^condition\.selector: Unrecognized key: "region"/],
      ['a short window longer than the long one', { name: 'burn', condition: { kind: 'burnRate', sloId: 's', longWindowMinutes: 5, shortWindowMinutes: 60 } }, 400, /^condition\.shortWindowMinutes: must be shorter/],
      ['a file: webhook', thresholdRule({ webhooks: ['file:///etc/passwd'] }), 400, /^webhooks\.0: must be an http:\/\/ or https:\/\/ URL/],
      ['a javascript: webhook', thresholdRule({ webhooks: ['https://ok.example/x', 'javascript:alert(1)'] }), 400, /^webhooks\.1: must be an http/],
      ['not a URL', thresholdRule({ webhooks: ['hooks.example.com'] }), 400, /^webhooks\.0: /],
      ['eleven webhooks', thresholdRule({ webhooks: Array.from({ length: 11 }, (_, i) => `https://h${i}.example/`) }), 400, /^webhooks: /],
      ['a webhook twice', thresholdRule({ webhooks: ['https://a.example/x', 'https://a.example/x'] }), 400, /^webhooks: a URL is listed twice/],
      ['datapoints 0', thresholdRule({ datapointsToAlarm: 0 }), 400, /^datapointsToAlarm: /],
      ['an extra field', thresholdRule({ owner: 'me' }), 400, /^body: Unrecognized key: "owner"/],
      ['a body over 64 KiB', thresholdRule({ name: 'x'.repeat(70_000) }), 413, /64|65536|limit/],
    ];
    for (const [name, body, status, message] of cases) {
      const answer = await call('POST', '/api/alarms', body);
      assert.equal(answer.status, status, `${name}: ${JSON.stringify(answer.body)}`);
      assert.match(answer.body.error, message, name);
    }
    assert.equal((await call('GET', '/api/alarms/%zz')).status, 400, 'a broken escape');
    assert.equal((await call('GET', '/api/alarms/no-such-alarm')).status, 404);
    assert.equal((await call('PUT', '/api/alarms/no-such-alarm', thresholdRule())).status, 404);
    assert.equal((await call('POST', '/api/alarms/no-such-alarm/evaluate')).status, 404);
    assert.equal((await call('PATCH', '/api/alarms')).status, 405);
    assert.equal((await call('GET', '/api/alarms/x/history/more')).status, 404);
    const health = await call('GET', '/api/health');
    assert.equal(health.status, 200);
  });

  test('reading takes the read token, changing the admin token; a link token does neither', async () => {
    const sink = await call('POST', '/api/sinks', { name: 'obs', allowedAccounts: ['*'], types: ['traces'] });
    const { token } = (await call('POST', `/api/sinks/${sink.body.sink.id}/links`, { accountId: '111111111111', accountName: 'edge' })).body;
    const anonymous = await call('GET', '/api/alarms', undefined, {});
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.body.error, /^authorization: /);
    assert.equal((await call('GET', '/api/alarms', undefined, { authorization: `Bearer ${READ}` })).status, 200);
    const reader = await call('POST', '/api/alarms', thresholdRule(), { authorization: `Bearer ${READ}` });
    assert.equal(reader.status, 403);
    assert.match(reader.body.error, /^authorization: the read token only reads/);
    assert.equal((await call('POST', '/api/alarms', thresholdRule(), {})).status, 401);
    assert.equal((await call('GET', '/api/alarms', undefined, { authorization: `Bearer ${token}` })).status, 403);
    assert.equal((await call('POST', '/api/alarms', thresholdRule(), { authorization: `Bearer ${token}` })).status, 403);
    assert.equal((await call('DELETE', '/api/alarms/any', undefined, { authorization: `Bearer ${READ}` })).status, 403);
  });
});
