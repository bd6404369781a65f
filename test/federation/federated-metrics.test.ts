import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAgent } from '@stitch/agent';
import { LinkRegistry } from '@stitch/central';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { METRIC_RECORDS_PER_HEARTBEAT, metricRecordToJson } from '@stitch/federation';
import { generatedTraffic, isEntrySpan, SpanMetricsAggregator, type MetricRecord } from '@stitch/metrics';
import type { Span } from '@stitch/model';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { spansToOtlpJson } from '@stitch/wire';
import { getJson, until } from './federated-accounts.ts';

// Federated accounts' span metrics: counted by their agents, handed to central with the heartbeat.
const START_MS = 1_764_000_000_000;
const WINDOW = `&start=${START_MS - 60_000}&end=${START_MS + 40 * 60_000}`;
const ACCOUNTS = {
  payments: { id: '444444444444', label: 'payments' },
  checkout: { id: '222222222222', label: 'checkout' },
  notifications: { id: '555555555555', label: 'notifications' },
  logsOnly: { id: '666666666666', label: 'logs-only' },
};
const READ_URL = 'http://127.0.0.1:9';

/** Per (service, operation), from the raw spans: what /api/metrics?groupBy=operation must total. */
function expectedTotals(spans: readonly Span[]): Map<string, object> {
  const sums = new Map<string, { count: number; errors: number; faults: number; throttles: number; latency: bigint }>();
  for (const span of spans) {
    if (!isEntrySpan(span.kind, span.parentSpanId)) continue;
    const key = `${span.resource.serviceName} ${span.name}`;
    const into = sums.get(key) ?? { count: 0, errors: 0, faults: 0, throttles: 0, latency: 0n };
    const http = span.http.statusCode ?? 0;
    const clientError = http >= 400 && http < 500;
    into.count += 1;
    if (clientError) into.errors += 1;
    if (http >= 500 || (span.status.code === 'error' && !clientError)) into.faults += 1;
    if (http === 429) into.throttles += 1;
    into.latency += span.endTimeUnixNano - span.startTimeUnixNano;
    sums.set(key, into);
  }
  return new Map([...sums].map(([key, s]) => [key, { count: s.count, errors: s.errors, faults: s.faults, throttles: s.throttles, avgMs: Number(s.latency) / s.count / 1e6 }]));
}

const totalsOf = (body: any) =>
  new Map<string, object>(
    body.series.map((s: any) => [`${s.key.service} ${s.key.operation}`, { count: s.total.count, errors: s.total.errors, faults: s.total.faults, throttles: s.total.throttles, avgMs: s.total.avgMs }]),
  );

describe('span metrics of federated accounts', () => {
  let central: TestCentral;
  let registry: LinkRegistry;
  const tokens = new Map<keyof typeof ACCOUNTS, string>();
  /** Metric writes still to fail (the store's disk is full), as central's store would throw them. */
  let failingWrites = 0;

  const heartbeat = async (account: keyof typeof ACCOUNTS | null, body: unknown) => {
    const response = await fetch(`${central.url}/api/federation/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(account && { authorization: `Bearer ${tokens.get(account)}` }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const metricsOf = async (account: string) => (await getJson(central.url, `/api/metrics?groupBy=operation&account=${account}${WINDOW}`)).body;

  before(async () => {
    registry = await LinkRegistry.open(null);
    const store = await openDuckDbStore({ path: ':memory:' });
    const write = store.writeMetricRecords.bind(store);
    store.writeMetricRecords = async (records) => {
      if (records.length > 0 && failingWrites > 0) {
        failingWrites -= 1;
        throw new Error('disk full');
      }
      return write(records);
    };
    // The agents here read on loopback ports: central allows loopback, as a user would.
    central = await startTestCentral({ store, links: registry, federation: { heartbeatMs: 100, allowReadUrls: ['127.0.0.1/32'] } });
    const sink = await registry.createSink({ name: 'observability', allowedAccounts: ['*'], types: ['traces', 'logs'] });
    for (const [key, account] of Object.entries(ACCOUNTS) as Array<[keyof typeof ACCOUNTS, { id: string; label: string }]>) {
      const { token } = await registry.createLink(sink.id, { accountId: account.id, accountName: account.label, types: key === 'logsOnly' ? ['logs'] : ['traces'], labelTemplate: '$AccountName' });
      tokens.set(key, token);
    }
  });
  after(async () => {
    await central?.stop();
  });

  test("a heartbeat's records are filed under the link's account whatever they claim; a batch sent again is counted once", async () => {
    // Records as an agent of another account would count them: they claim edge and checkout.
    const spans = generatedTraffic(0xfed, { startMs: START_MS, minutes: 30, count: 1_500, accounts: [{ id: '111111111111', label: 'edge' }, ACCOUNTS.checkout] });
    const aggregator = new SpanMetricsAggregator();
    aggregator.addSpans(spans);
    const records = aggregator.drain().map(metricRecordToJson);
    assert.ok(records.length > 100 && records.every((r) => r.account !== ACCOUNTS.payments.id));
    for (const attempt of [1, 2]) {
      const { status, body } = await heartbeat('payments', { readUrl: READ_URL, metrics: { batchId: 'payments-1', records } });
      assert.equal(status, 200, JSON.stringify(body));
      assert.deepEqual(body.metrics, { batchId: 'payments-1', records: records.length }, `attempt ${attempt}`);
    }
    const byAccount = (await getJson(central.url, `/api/metrics?groupBy=account${WINDOW}`)).body.series;
    assert.deepEqual([...new Set(byAccount.map((s: any) => `${s.key.account} ${s.key.accountLabel}`))], ['444444444444 payments']);
    assert.deepEqual(totalsOf(await metricsOf(ACCOUNTS.payments.id)), expectedTotals(spans));
  });

  test('garbage, oversized and hostile heartbeats: 400/413 naming the field, 401/403 without a traces link; nothing counted, central keeps serving', async () => {
    const before = await metricsOf(ACCOUNTS.payments.id);
    const record = metricRecordToJson({
      bucketStartMs: START_MS,
      account: 'x',
      accountLabel: 'x',
      service: 'payments',
      operation: 'POST /charges',
      measurements: { count: 2, errors: 0, faults: 0, throttles: 0, latencySumNanos: 3_000_000n, latency: { buckets: [700], counts: [2] } },
    } satisfies MetricRecord);
    const batch = (records: unknown[], batchId = 'garbage') => ({ readUrl: READ_URL, metrics: { batchId, records } });
    const cases: Array<[string, keyof typeof ACCOUNTS | null, unknown, number, RegExp]> = [
      ['no token', null, batch([record]), 401, /^authorization: /],
      ['a link that does not share traces', 'logsOnly', batch([record]), 403, /traces/],
      ['not JSON', 'payments', '{"metrics": [', 400, /^body: not JSON/],
      ['metrics not an object', 'payments', { readUrl: READ_URL, metrics: 'all of them' }, 400, /^metrics: /],
      ['no batch id', 'payments', { readUrl: READ_URL, metrics: { records: [record] } }, 400, /^metrics\.batchId: /],
      ['a record that is a string', 'payments', batch(['x']), 400, /^metrics\.records\.0: /],
      ['a latency sketch that does not add up', 'payments', batch([record, { ...record, measurements: { ...record.measurements, count: 5 } }]), 400, /^metrics\.records\.1\.measurements\.latency: does not add up to count/],
      ['a negative count', 'payments', batch([{ ...record, measurements: { ...record.measurements, errors: -3 } }]), 400, /^metrics\.records\.0\.measurements\.errors: /],
      ['a latency sum past int64', 'payments', batch([{ ...record, measurements: { ...record.measurements, latencySumNanos: '99999999999999999999' } }]), 400, /^metrics\.records\.0\.measurements\.latencySumNanos: /],
      ['a bucket off the minute', 'payments', batch([{ ...record, bucketStartMs: START_MS + 1 }]), 400, /^metrics\.records\.0\.bucketStartMs: /],
      ['a batch id with SQL in it', 'payments', batch([record], "1'; DROP TABLE metrics; --"), 400, /^metrics\.batchId: /],
      ['more records than a heartbeat carries', 'payments', batch(Array.from({ length: METRIC_RECORDS_PER_HEARTBEAT + 1 }, () => record)), 400, /^metrics\.records: /],
      ['a body past 32 MB', 'payments', batch([{ ...record, operation: 'x'.repeat(33 * 1024 * 1024) }]), 413, /body/],
    ];
    for (const [what, account, body, status, message] of cases) {
      const answer = await heartbeat(account, body);
      assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.body).slice(0, 300)}`);
      assert.match(answer.body.error, message, what);
    }
    assert.equal((await getJson(central.url, '/api/health')).status, 200);
    assert.deepEqual(await metricsOf(ACCOUNTS.payments.id), before, 'nothing of the refused heartbeats was counted');
  });

  test('a store that fails: the heartbeat is refused and nothing counted; the same batch sent again is counted once', async () => {
    const spans = generatedTraffic(0x5707e, { startMs: START_MS, minutes: 10, count: 500, accounts: [ACCOUNTS.notifications] });
    const aggregator = new SpanMetricsAggregator();
    aggregator.addSpans(spans);
    const body = { readUrl: READ_URL, metrics: { batchId: 'notifications-1', records: aggregator.drain().map(metricRecordToJson) } };
    failingWrites = 1;
    assert.equal((await heartbeat('notifications', body)).status, 500);
    assert.deepEqual((await metricsOf(ACCOUNTS.notifications.id)).series, []);
    for (let i = 0; i < 2; i++) assert.equal((await heartbeat('notifications', body)).status, 200);
    assert.deepEqual(totalsOf(await metricsOf(ACCOUNTS.notifications.id)), expectedTotals(spans));
  });

  test('a federated agent hands its span metrics over with its heartbeats, again after central failed to store them, and the last ones as it stops', async () => {
    const spans = generatedTraffic(0xa9e7, { startMs: START_MS, minutes: 20, count: 2_000, accounts: [ACCOUNTS.checkout] });
    const [early, late] = [spans.slice(0, 1_500), spans.slice(1_500)];
    const send = async (otlpUrl: string, batch: Span[]) => {
      const response = await fetch(`${otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spansToOtlpJson(batch)) });
      assert.equal(response.status, 200, await response.text());
    };
    const options = { account: { id: ACCOUNTS.checkout.id, name: 'checkout' }, sinkUrl: central.url, token: tokens.get('checkout')!, port: 0, udpPort: 0, samplingPort: 0, storeDir: ':memory:', readPort: 0, log: () => {} };

    // Heartbeats every 100 ms; the first two that carry records find central's store failing.
    failingWrites = 2;
    const agent = await startAgent({ ...options, heartbeatMs: 100 });
    await send(agent.otlpUrl, early);
    await until(() => agent.federated!.kept.metrics.size === 0 && failingWrites === 0, 'span metrics handed over');
    assert.deepEqual(totalsOf(await metricsOf(ACCOUNTS.checkout.id)), expectedTotals(early));
    await agent.close();

    // Heartbeats every 10 minutes: only the one as it starts, and the last ones as it stops.
    const again = await startAgent({ ...options, heartbeatMs: 600_000 });
    await until(() => again.federated!.registration.registered, 'the agent registered');
    await send(again.otlpUrl, late);
    assert.ok(again.federated!.kept.metrics.size > 0, 'records wait for a heartbeat');
    await again.close();
    assert.deepEqual(totalsOf(await metricsOf(ACCOUNTS.checkout.id)), expectedTotals(spans));
  });
});
