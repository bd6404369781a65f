import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generatedTraffic } from '@stitch/metrics';
import { spanDuration, type Span } from '@stitch/model';
import { spansToOtlpJson } from '@stitch/wire';
import { LinkRegistry } from '../../access/links/link-registry.ts';
import { SloRegistry } from '../../control/slo/slo-registry.ts';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';

const ADMIN = 'admin-token-for-metrics';
const READ = 'read-token-for-metrics';
const MINUTE = 60_000;
const NOW = Math.floor(Date.now() / MINUTE) * MINUTE;
const ACCOUNTS = [
  { id: '111111111111', label: 'shop' },
  { id: '222222222222', label: 'payments' },
];
// Two hours of traffic from both accounts, and a slow burst of checkout in the last 20 minutes.
const spans = [
  ...generatedTraffic(21, { startMs: NOW - 120 * MINUTE, minutes: 120, count: 2_500, accounts: ACCOUNTS }),
  ...generatedTraffic(22, { startMs: NOW - 20 * MINUTE, minutes: 20, count: 200, accounts: ACCOUNTS, services: ['checkout'], durationMs: () => 3_000 }),
];

// Expectations from the spans, computed here by hand.
const isEntry = (s: Span) => s.kind === 'server' || s.kind === 'consumer' || s.parentSpanId === null;
const isClientError = (s: Span) => s.http.statusCode !== null && s.http.statusCode >= 400 && s.http.statusCode < 500;
const isFault = (s: Span) => (s.http.statusCode !== null && s.http.statusCode >= 500) || (s.status.code === 'error' && !isClientError(s));
const ms = (s: Span) => Number(spanDuration(s)) / 1e6;
const startOf = (s: Span) => Number(s.startTimeUnixNano / 1_000_000n);
/** Tolerance: the answered p99 is at most the exact nearest-rank value and within 2 % of it. */
const assertP99 = (reportedMs: number | null, list: Span[]) => {
  const sorted = list.map(ms).sort((a, b) => a - b);
  const exact = sorted[Math.ceil(0.99 * sorted.length) - 1]!;
  assert.ok(reportedMs !== null && reportedMs <= exact + 1e-9 && reportedMs >= exact * 0.98, `p99 ${reportedMs} ms within 2 % under ${exact} ms`);
};
const entries = spans.filter(isEntry);
const served = (service: string, fromMs: number, filter: (s: Span) => boolean = () => true) =>
  entries.filter((s) => s.resource.serviceName === service && startOf(s) >= fromMs && startOf(s) < NOW && filter(s));

describe('span metrics and SLOs through the API, after real OTLP ingest from two linked accounts', () => {
  let central: TestCentral;
  const dir = mkdtempSync(join(tmpdir(), 'stitch-slos-'));

  before(async () => {
    const links = await LinkRegistry.open(null);
    const slos = await SloRegistry.open(join(dir, 'slos.json'));
    central = await startTestCentral({ links, slos, adminToken: ADMIN, readToken: READ, now: () => NOW });
    const sink = await links.createSink({ name: 'all', allowedAccounts: ['*'], types: ['traces'] });
    for (const account of ACCOUNTS) {
      const { token } = await links.createLink(sink.id, { accountId: account.id, accountName: account.label, types: ['traces'], labelTemplate: '$AccountName' });
      const own = spans.filter((s) => s.account.id === account.id);
      for (let i = 0; i < own.length; i += 500) {
        const body = JSON.stringify(spansToOtlpJson(own.slice(i, i + 500)));
        const answer = await fetch(`${central.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
        assert.equal(answer.status, 200, await answer.text());
      }
    }
    await central.flushMetrics();
  });
  after(async () => {
    await central.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, body?: unknown, token = method === 'GET' ? READ : ADMIN) => {
    const response = await fetch(`${central.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.status, body: (await response.json()) as any };
  };
  const window = `start=${NOW - 120 * MINUTE}&end=${NOW}`;

  test('latency by service across all accounts: counts, errors, faults and p99 per service', async () => {
    const { status, body } = await call('GET', `/api/metrics?${window}&groupBy=service`);
    assert.equal(status, 200);
    assert.equal(body.stepMs, MINUTE, '2 hours in 1-minute steps');
    assert.deepEqual(body.series.map((s: { key: { service: string } }) => s.key.service).sort(), ['checkout', 'inventory', 'payments']);
    for (const series of body.series) {
      const own = served(series.key.service, NOW - 120 * MINUTE);
      assert.equal(series.total.count, own.length);
      assert.equal(series.total.errors, own.filter(isClientError).length);
      assert.equal(series.total.faults, own.filter(isFault).length);
      assert.equal(series.total.throttles, own.filter((s) => s.http.statusCode === 429).length);
      assertP99(series.total.p99Ms, own);
      assert.equal(series.points.reduce((sum: number, p: { count: number }) => sum + p.count, 0), own.length);
    }
  });

  test('per account, narrowed to one account by its label, in 30-minute steps', async () => {
    const { status, body } = await call('GET', `/api/metrics?${window}&groupBy=account&account=payments&service=checkout&step=30m`);
    assert.equal(status, 200);
    assert.equal(body.stepMs, 30 * MINUTE);
    for (const series of body.series) {
      assert.deepEqual([series.key.account, series.key.accountLabel, series.key.service], ['222222222222', 'payments', 'checkout']);
      const own = served('checkout', NOW - 120 * MINUTE, (s) => s.account.id === '222222222222' && s.name === series.key.operation);
      assert.equal(series.total.count, own.length);
      assert.equal(series.points.length, 4);
      for (const point of series.points) assert.equal(point.count, own.filter((s) => startOf(s) >= point.startMs && startOf(s) < point.startMs + 30 * MINUTE).length);
    }
    assert.equal(body.series.length, 3, 'one series per operation');
  });

  test('an SLO "checkout p99 under 2 s": compliance, budget left and burn rates from the stored metrics', async () => {
    const created = await call('POST', '/api/slos', { name: 'Checkout p99 < 2 s', selector: { service: 'checkout' }, objective: { kind: 'latency', thresholdMs: 2_000 }, target: 0.95, windowDays: 7 });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.slo.id as string;
    assert.match(id, /^checkout-p99-2-s-[0-9a-f]{6}$/);
    const { status, body } = await call('GET', `/api/slos/${id}`);
    assert.equal(status, 200);
    const all = served('checkout', NOW - 7 * 1440 * MINUTE);
    const good = all.filter((s) => ms(s) <= 2_000).length;
    assert.equal(body.status.total, all.length);
    assert.equal(body.status.good, good);
    assert.equal(body.status.compliance, good / all.length);
    assert.ok(Math.abs(body.status.errorBudget.remaining - (1 - (all.length - good) / (0.05 * all.length))) < 1e-9);
    assert.equal(body.status.met, good / all.length >= 0.95);
    for (const [name, minutes] of [['1h', 60], ['6h', 360], ['24h', 1440], ['window', 7 * 1440]] as const) {
      const inWindow = served('checkout', NOW - minutes * MINUTE);
      const bad = inWindow.filter((s) => ms(s) > 2_000).length;
      assert.ok(Math.abs(body.status.burnRate[name] - bad / inWindow.length / 0.05) < 1e-9, name);
    }
    assert.equal(body.status.daily.length, 8);
    assert.equal(body.status.daily.reduce((sum: number, day: { total: number }) => sum + day.total, 0), all.length);
  });

  test('a success SLO of one account; listed with its status; changed; deleted; kept in slos.json', async () => {
    const created = await call('POST', '/api/slos', { name: 'inventory success', selector: { service: 'inventory', account: '111111111111' }, objective: { kind: 'success' }, target: 0.9, windowDays: 30 });
    assert.equal(created.status, 201);
    const id = created.body.slo.id as string;
    const own = served('inventory', NOW - 30 * 1440 * MINUTE, (s) => s.account.id === '111111111111');
    assert.equal(created.body.status.total, own.length);
    assert.equal(created.body.status.good, own.filter((s) => !isFault(s)).length);
    const listed = await call('GET', '/api/slos');
    const entry = listed.body.slos.find((slo: { id: string }) => slo.id === id);
    assert.equal(entry.status.compliance, created.body.status.compliance);
    assert.equal(entry.status.daily, undefined, 'the list leaves the daily series out');
    assert.equal(entry.description, 'inventory account 111111111111: 90 % of requests without a fault over 30 days');
    const changed = await call('PUT', `/api/slos/${id}`, { ...created.body.slo, id: undefined, description: undefined, target: 0.99 });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.ok(Math.abs(changed.body.status.errorBudget.allowedBad - 0.01 * own.length) < 1e-9);
    assert.equal((await SloRegistry.open(join(dir, 'slos.json'))).get(id)!.target, 0.99, 'written through to the file');
    assert.deepEqual((await call('DELETE', `/api/slos/${id}`)).body, { deleted: id });
    assert.equal((await call('GET', `/api/slos/${id}`)).status, 404);
    assert.equal((await call('DELETE', `/api/slos/${id}`)).status, 404);
  });

  test('garbage, oversized and hostile input: 400/413 naming the field, 401/403 without the right token; central keeps serving', async () => {
    const good = { name: 'x', selector: { service: 'checkout' }, objective: { kind: 'success' }, target: 0.99, windowDays: 7 };
    const cases: Array<[string, unknown, number, RegExp]> = [
      ['not JSON', '{"name":', 400, /^body: not JSON/],
      ['a percentage for a share', { ...good, target: 99 }, 400, /^target: a share below 1/],
      ['a 14-day window', { ...good, windowDays: 14 }, 400, /^windowDays: must be 7 or 30/],
      ['no service', { ...good, selector: {} }, 400, /^selector\.service:/],
      ['an unknown objective', { ...good, objective: { kind: 'vibes' } }, 400, /^objective/],
      ['a negative latency', { ...good, objective: { kind: 'latency', thresholdMs: -1 } }, 400, /^objective\.thresholdMs:/],
      ['an unknown field', { ...good, owner: 'me' }, 400, /^body:|owner/],
      ['a huge name', { ...good, name: 'n'.repeat(20_000) }, 413, /body/],
    ];
    for (const [what, body, status, message] of cases) {
      const answer = await call('POST', '/api/slos', body);
      assert.equal(answer.status, status, what);
      assert.match(answer.body.error, message, what);
    }
    const queries: Array<[string, RegExp]> = [
      ['groupBy=bogus', /^groupBy:/],
      ['step=30s', /^step:/],
      ['step=1m&start=0', /^start:/],
      [`start=${NOW - 8 * 1440 * MINUTE}&end=${NOW}`, /^start: the window may span at most 7 days/],
      ['since=forever', /^since:/],
      ['colour=red', /^colour: unknown parameter/],
      [`start=${NOW}&end=${NOW - 1}`, /^start:/],
    ];
    for (const [query, message] of queries) {
      const answer = await call('GET', `/api/metrics?${query}`);
      assert.equal(answer.status, 400, query);
      assert.match(answer.body.error, message, query);
    }
    const hostile = await call('GET', `/api/metrics?${window}&service=${encodeURIComponent("checkout' OR '1'='1")}`);
    assert.deepEqual([hostile.status, hostile.body.series], [200, []]);
    assert.equal((await call('GET', '/api/slos', undefined, 'nope')).status, 401);
    assert.equal((await call('POST', '/api/slos', good, READ)).status, 403);
    assert.equal((await call('GET', '/api/slos/%zz')).status, 400);
    assert.equal((await call('GET', '/api/metrics?since=1h')).status, 200, 'still serving');
  });
});
