import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { checkoutTraces, ACCOUNTS } from '@stitch/test-support/fixtures';
import { parseFilter, traceMatches } from '@stitch/query';
import { spanDuration, summarizeTrace, type Span } from '@stitch/model';
import { isEntrySpan } from '@stitch/metrics';
import { ACCOUNT_KEYS, getJson, startFederation, until, type Federation } from './federated-accounts.ts';

// 60 ordinary checkouts and 6 with a 9 s Stripe call, over ten minutes of 2025-11-24.
const traces: Span[][] = [...checkoutTraces(60, 0x5eed), ...checkoutTraces(6, 0xbad, { stripeMs: [8_500, 9_000] })];
// Some ordinary checkouts answered 503 by payments and 404 by pricing: requests with errors and faults to count.
for (const [i, spans] of traces.slice(0, 60).entries()) {
  for (const span of spans) {
    if (span.kind !== 'server') continue;
    // As OTLP carries a status (ingest reads it from the attribute), and as the raw span says it.
    const answer = (statusCode: number) => {
      span.http = { ...span.http, statusCode };
      span.attributes = { ...span.attributes, 'http.response.status_code': statusCode };
    };
    if (i % 9 === 0 && span.resource.serviceName === 'payments') {
      answer(503);
      span.status = { code: 'error', message: 'unavailable' };
    }
    if (i % 7 === 3 && span.resource.serviceName === 'pricing') answer(404);
    // And now and then the edge answers 502 to the shopper: a trace whose caller saw a fault.
    if (i % 11 === 5 && span.parentSpanId === null) {
      answer(502);
      span.status = { code: 'error', message: 'bad gateway' };
    }
  }
}
const WINDOW = '&start=1763999000000&end=1764001000000';
const MAP_WINDOW = '?start=1763999940000&end=1764001000000';

const FILTERS = [
  '',
  'duration > 8',
  'service("payments") { fault }',
  'service("payments") { duration > 8 }',
  'edge("checkout-orchestrator", "payments") { duration > 5 }',
  'NOT service("email")',
  'account = "catalog" AND duration < 2',
  'service("pricing") AND service("email")',
  'name = "Stripe API call" OR http.status >= 500',
  // What the caller saw is decided by the account holding the root; the failing span may be in another.
  'trace.status = ok AND service("payments") { fault }',
  'trace.status = fault',
  'NOT trace.status = ok AND duration < 5',
];

/** The newest `limit` traces matching `q`, computed from the raw spans: what every store must answer. */
function expectedIds(q: string, limit: number): string[] {
  const filter = q === '' ? null : parseFilter(q);
  return traces
    .filter((spans) => filter === null || traceMatches(filter, spans))
    .map((spans) => summarizeTrace(spans)!)
    .sort((a, b) => (a.startTimeUnixNano === b.startTimeUnixNano ? 0 : a.startTimeUnixNano > b.startTimeUnixNano ? -1 : 1))
    .slice(0, limit)
    .map((summary) => summary.traceId);
}

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
/** What a map says, without the example traces (a sample, which may differ). */
const mapFacts = (map: any) => ({
  nodes: map.nodes.map((n: any) => ({ id: n.id, stats: n.stats, rootEntries: n.rootEntries })).sort(byId),
  edges: map.edges.map((e: any) => ({ id: `${e.from}>${e.to}`, connection: e.connection, stats: e.stats })).sort(byId),
});

describe('federated view: five accounts keep their spans, central stitches them at read time', () => {
  let piped: Federation;
  let federated: Federation;
  let mixed: Federation;

  before(async () => {
    [piped, federated, mixed] = await Promise.all([startFederation([]), startFederation(ACCOUNT_KEYS), startFederation(['checkout', 'catalog', 'payments'])]);
    await Promise.all([piped.send(traces), federated.send(traces), mixed.send(traces)]);
  });
  after(async () => {
    await Promise.all([piped?.stop(), federated?.stop(), mixed?.stop()]);
  });

  test('central stores none of the federated spans, and lists the accounts as federated', async () => {
    const accounts = (await federated.get('/api/accounts')).body.accounts;
    assert.equal(accounts.filter((a: any) => a.federated !== null).length, 5);
    assert.equal((await federated.store.stats()).spanCount, 0);
    const pipedAccounts = new Set([ACCOUNTS.edge.id, ACCOUNTS.notifications.id]);
    assert.equal((await mixed.store.stats()).spanCount, traces.flat().filter((s) => pipedAccounts.has(s.account.id)).length);
    const services = (await federated.get('/api/services')).body.services.map((s: any) => s.serviceName);
    assert.deepEqual(services, ['checkout-orchestrator', 'edge-gateway', 'email', 'inventory', 'notifications', 'payments', 'pricing']);
  });

  test('one trace is assembled from the spans held in five accounts, as pipeline mode shows it', async () => {
    for (const spans of [traces[0]!, traces[63]!]) {
      const traceId = spans[0]!.traceId;
      for (const view of [federated, mixed]) {
        const { status, body } = await view.get(`/api/traces/${traceId}`);
        assert.equal(status, 200);
        assert.equal(body.partial, undefined);
        assert.equal(body.spans.length, spans.length);
        assert.deepEqual([...new Set(body.spans.map((s: any) => s.account.id))].sort(), Object.values(ACCOUNTS).map((a) => a.id).sort());
        const reference = (await piped.get(`/api/traces/${traceId}`)).body;
        assert.deepEqual(body, reference);
      }
    }
  });

  test('search with the filter language finds what the raw spans say, with the same duration histogram', async () => {
    for (const q of FILTERS) {
      const path = `/api/traces?q=${encodeURIComponent(q)}&limit=25&histogram=true${WINDOW}`;
      const reference = (await piped.get(path)).body;
      assert.deepEqual(reference.traces.map((t: any) => t.traceId), expectedIds(q, 25), `pipeline mode, q=${q}`);
      for (const view of [federated, mixed]) {
        const { status, body } = await view.get(path);
        assert.equal(status, 200, JSON.stringify(body));
        assert.equal(body.partial, undefined, `q=${q}`);
        assert.deepEqual(body.traces, reference.traces, `q=${q}`);
        assert.deepEqual(body.histogram, reference.histogram, `histogram, q=${q}`);
      }
    }
  });

  test('pages smaller than the matches still return the newest ones', async () => {
    const path = `/api/traces?limit=3${WINDOW}`;
    const body = (await federated.get(path)).body;
    assert.deepEqual(body.traces.map((t: any) => t.traceId), expectedIds('', 3));
  });

  test('the service map adds up histograms across accounts: counts and percentiles equal pipeline mode and the raw spans', async () => {
    const reference = (await piped.get(`/api/service-map${MAP_WINDOW}`)).body;
    for (const view of [federated, mixed]) {
      const { body } = await view.get(`/api/service-map${MAP_WINDOW}`);
      assert.equal(body.partial, undefined);
      assert.deepEqual(mapFacts(body), mapFacts(reference));
    }
    // checkout → payments, a cross-account edge: every call counted once, p50/p99 where the raw latencies put them.
    const calls = traces.flat().filter((s) => s.kind === 'client' && s.name === 'POST /charges');
    const latencies = calls.map((s) => spanDuration(s)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // Tolerance: the map answers a percentile at most the raw nearest-rank one and less than 2 % under it.
    const rawQuantile = (q: number) => latencies[Math.ceil(q * latencies.length) - 1]!;
    const assertNear = (reported: string, q: number) => {
      const raw = rawQuantile(q);
      assert.ok(BigInt(reported) <= raw && Number(raw - BigInt(reported)) < 0.02 * Number(raw), `p${q * 100} ${reported} within 2 % under ${raw}`);
    };
    const map = (await federated.get(`/api/service-map${MAP_WINDOW}`)).body;
    const payments = map.nodes.find((n: any) => n.service === 'payments' && n.inferred === null);
    const checkout = map.nodes.find((n: any) => n.service === 'checkout-orchestrator');
    const edge = map.edges.find((e: any) => e.from === checkout.id && e.to === payments.id);
    assert.equal(edge.stats.requests, calls.length);
    assertNear(edge.stats.p50Nanos, 0.5);
    assertNear(edge.stats.p99Nanos, 0.99);
    // The slow tail is 6 of 66 calls: a mean of per-account p99s could not land there.
    assert.ok(BigInt(edge.stats.p99Nanos) >= 8_000_000_000n);
  });

  test('span metrics count the spans federated accounts keep: /api/metrics equals pipeline mode and the raw spans', async () => {
    // Computed from the raw spans: each entry span counted once, per account, service and operation.
    const expected = new Map<string, { count: number; errors: number; faults: number; latencySum: bigint }>();
    for (const span of traces.flat()) {
      if (!isEntrySpan(span.kind, span.parentSpanId)) continue;
      const key = JSON.stringify([span.account.id, span.account.label, span.resource.serviceName, span.name]);
      const into = expected.get(key) ?? { count: 0, errors: 0, faults: 0, latencySum: 0n };
      const http = span.http.statusCode ?? 0;
      into.count += 1;
      if (http >= 400 && http < 500) into.errors += 1;
      if (http >= 500 || (span.status.code === 'error' && !(http >= 400 && http < 500))) into.faults += 1;
      into.latencySum += spanDuration(span);
      expected.set(key, into);
    }
    assert.ok([...expected.values()].some((e) => e.faults > 0) && [...expected.values()].some((e) => e.errors > 0), 'the spans hold errors and faults');
    const path = `/api/metrics?groupBy=account${WINDOW}`;
    const reference = (await piped.get(path)).body;
    const answered = new Map<string, object>(
      reference.series.map((s: any) => [JSON.stringify([s.key.account, s.key.accountLabel, s.key.service, s.key.operation]), { count: s.total.count, errors: s.total.errors, faults: s.total.faults, avgMs: s.total.avgMs }]),
    );
    assert.deepEqual(
      answered,
      new Map([...expected].map(([key, e]) => [key, { count: e.count, errors: e.errors, faults: e.faults, avgMs: Number(e.latencySum) / e.count / 1e6 }])),
    );
    for (const view of [federated, mixed]) {
      for (const groupBy of ['account', 'service']) {
        const { status, body } = await view.get(`/api/metrics?groupBy=${groupBy}${WINDOW}`);
        assert.equal(status, 200);
        assert.deepEqual(body, (await piped.get(`/api/metrics?groupBy=${groupBy}${WINDOW}`)).body, `groupBy=${groupBy}`);
      }
    }
  });

  test('metrics queries and discovery read central\u2019s store: the federated accounts are named as not counted, never left out unsaid', async () => {
    const ids = (accounts: readonly { id: string }[]) => accounts.map((account) => account.id).sort();
    const federatedIds = ids([ACCOUNTS.checkout, ACCOUNTS.catalog, ACCOUNTS.payments]);
    const spansOf = (accountIds: readonly string[]) => traces.flat().filter((span) => accountIds.includes(span.account.id)).length;
    const total = (body: any) => body.series.reduce((sum: number, series: any) => sum + series.spans, 0);
    const path = `/api/metrics/query_range?q=${encodeURIComponent('{ } | count_over_time()')}&step=60s${WINDOW}`;
    const reference = (await piped.get(path)).body;
    assert.equal(total(reference), traces.flat().length);
    assert.equal(reference.partial, undefined);
    const { status, body } = await mixed.get(path);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(total(body), spansOf(ids([ACCOUNTS.edge, ACCOUNTS.notifications])), 'the piped accounts\u2019 spans, counted');
    assert.deepEqual(body.partial.missingAccounts.map((account: any) => account.accountId).sort(), federatedIds);
    assert.match(body.partial.missingAccounts[0].reason, /central's store only/);
    const tags = (await mixed.get(`/api/search/tags?scope=span${WINDOW}`)).body;
    assert.deepEqual(tags.partial.missingAccounts.map((account: any) => account.accountId).sort(), federatedIds);
  });

  test('diagnosis runs over traces stitched from every account', async () => {
    const path = `/api/diagnose?q=${encodeURIComponent('duration > 8')}${WINDOW}`;
    const [body, reference] = [(await federated.get(path)).body, (await piped.get(path)).body];
    assert.equal(body.report, reference.report);
    assert.match(body.report, /Stripe API call/);
  });
});
