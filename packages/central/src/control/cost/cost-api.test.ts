import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { emptyUsageCounts, makeSpan, nanos, seededRandom, spansToBatch, type Span, type UsageCounts } from '@stitch/model';
import { openDuckDbStore, type DuckDbStore } from '@stitch/store-duckdb';
import { spansToOtlpJson } from '@stitch/wire';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { PriceBook } from './price-book.ts';

// Generated traces (seeded) go through POST /v1/traces with three accounts' link tokens; every
// figure of the cost profile is checked against what this file computes from the same spans.

const ADMIN = 'admin-token-for-cost';
const READER = 'read-token-for-cost';
const DAY_MS = 86_400_000;
const todayStart = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
// checkout also runs pricing: one account, two services, each trace counted once for it.
const ACCOUNTS = [
  { id: '111111111111', name: 'edge', service: 'gateway' },
  { id: '222222222222', name: 'checkout', service: 'orchestrator' },
  { id: '444444444444', name: 'payments', service: 'payments' },
] as const;
const PRICES = { perMillionTracesRecorded: 5, perMillionTracesScanned: 0.5, freeTracesRecordedPerMonth: 100, perGbIngested: 2000, perGbStored: 1000 };

describe('the cost profile over generated traces from three linked accounts', () => {
  let central: TestCentral;
  let store: DuckDbStore;
  let dir: string;
  const tokens = new Map<string, string>();
  const requests: Array<{ account: string; spans: Span[]; bytes: number }> = [];
  const rootIds: string[] = [];
  const burst: Span[] = [];

  const call = async (method: string, path: string, token: string | null = READER, body?: string) => {
    const response = await fetch(`${central.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };

  before(async () => {
    dir = await mkdtemp('/tmp/stitch-cost-');
    store = await openDuckDbStore({ path: ':memory:' });
    central = await startTestCentral({ store, adminToken: ADMIN, readToken: READER, prices: await PriceBook.open(join(dir, 'prices.json')) });
    const sink = await call('POST', '/api/sinks', ADMIN, JSON.stringify({ name: 'observability', allowedAccounts: ['*'], types: ['traces'] }));
    for (const account of ACCOUNTS) {
      const link = await call('POST', `/api/sinks/${sink.body.sink.id}/links`, ADMIN, JSON.stringify({ accountId: account.id, accountName: account.name }));
      tokens.set(account.id, link.body.token);
    }
    // A sampling rule for the burst service: 2 a second, then 10 %.
    const rule = { name: 'burst', priority: 10, fixedTarget: 2, rate: 0.1, serviceName: 'checkout-burst' };
    assert.equal((await call('POST', '/api/sampling/rules', ADMIN, JSON.stringify(rule))).status, 201);

    const random = seededRandom(2030);
    let n = 0;
    const id = (width: number) => (++n).toString(16).padStart(width, '0');
    const spanIn = (account: (typeof ACCOUNTS)[number], traceId: string, parentSpanId: string | null, startMs: number, name: string, service: string = account.service): Span =>
      makeSpan({
        traceId,
        spanId: id(16),
        parentSpanId,
        name,
        startTimeUnixNano: nanos(BigInt(startMs) * 1_000_000n),
        endTimeUnixNano: nanos(BigInt(startMs + 50) * 1_000_000n),
        attributes: { 'order.id': `o-${n}`, note: 'ünïcode ☕'.repeat(Math.floor(random() * 3)) },
        resource: { serviceName: service, attributes: { 'service.name': service } },
      });
    for (const daysAgo of [2, 1, 0]) {
      const perAccount = new Map<string, Span[]>(ACCOUNTS.map((a) => [a.id, []]));
      const late: Span[] = [];
      const pricing: Span[] = [];
      for (let t = 0, traces = 15 + Math.floor(random() * 15); t < traces; t++) {
        const traceId = `5f${id(30)}`;
        const start = todayStart - daysAgo * DAY_MS + 3_600_000 + Math.floor(random() * 20 * 3_600_000);
        const root = spanIn(ACCOUNTS[0], traceId, null, start, 'GET /checkout');
        const orchestrator = spanIn(ACCOUNTS[1], traceId, root.spanId, start + 5, 'place order');
        perAccount.get(ACCOUNTS[0].id)!.push(root);
        perAccount.get(ACCOUNTS[1].id)!.push(orchestrator);
        perAccount.get(ACCOUNTS[2].id)!.push(spanIn(ACCOUNTS[2], traceId, orchestrator.spanId, start + 10, 'charge'));
        if (random() < 0.6) pricing.push(spanIn(ACCOUNTS[1], traceId, orchestrator.spanId, start + 7, 'price', 'pricing'));
        // Some payments spans arrive in a later request: the trace must not count twice.
        if (random() < 0.5) late.push(spanIn(ACCOUNTS[2], traceId, orchestrator.spanId, start + 20, 'Stripe API call'));
        rootIds.push(traceId);
      }
      for (const [account, spans] of perAccount) requests.push({ account, spans, bytes: 0 });
      // Pricing's spans before checkout's orchestrator's on one day, after them on the others.
      if (pricing.length > 0) requests.splice(daysAgo === 1 ? requests.length - 2 : requests.length, 0, { account: ACCOUNTS[1].id, spans: pricing, bytes: 0 });
      if (late.length > 0) requests.push({ account: ACCOUNTS[2].id, spans: late, bytes: 0 });
    }
    // The burst: 240 traces of one service in 95.6 s today.
    for (let i = 0; i < 240; i++) burst.push({ ...spanIn(ACCOUNTS[1], `6f${id(30)}`, null, todayStart + 7_200_000 + i * 400, 'POST /burst'), resource: { serviceName: 'checkout-burst', attributes: {} } });
    requests.push({ account: ACCOUNTS[1].id, spans: burst, bytes: 0 });
    for (const request of requests) {
      const body = JSON.stringify(spansToOtlpJson(request.spans));
      request.bytes = Buffer.byteLength(body);
      const response = await fetch(`${central.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(request.account)}` }, body });
      assert.equal(response.status, 200, await response.text());
    }
  });
  after(async () => {
    await central.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * Usage per (day, account, service), from the generated spans, the requests and the reads this
   * file made, in the order they were sent: a trace is recorded once per account and day, and
   * first recorded once a day, each on the row of its first span there.
   */
  async function expectedUsage(reads: { scanned: number; retrieved: number }): Promise<Map<string, UsageCounts>> {
    const usage = new Map<string, UsageCounts>();
    const at = (day: string, account: string, service: string) => {
      const key = `${day}|${account}|${service}`;
      if (!usage.has(key)) usage.set(key, emptyUsageCounts());
      return usage.get(key)!;
    };
    const counted = new Set<string>();
    const stored = await store.getTraces(requests.flatMap((r) => r.spans.map((s) => s.traceId)));
    const storedSpan = new Map([...stored.values()].flat().map((span) => [span.spanId, span]));
    for (const request of requests) {
      // Each request holds one account's spans of one service and one day: its bytes are theirs.
      const first = request.spans[0]!;
      at(dayOf(Number(first.startTimeUnixNano / 1_000_000n)), request.account, first.resource.serviceName).bytesIngested += request.bytes;
      for (const span of request.spans) {
        const day = dayOf(Number(span.startTimeUnixNano / 1_000_000n));
        const row = at(day, request.account, span.resource.serviceName);
        row.spans += 1;
        const key = `${span.traceId}|${request.account}|${day}`;
        if (!counted.has(key)) row.tracesRecorded += 1;
        counted.add(key);
        if (!counted.has(`${span.traceId}|${day}`)) row.tracesFirstRecorded += 1;
        counted.add(`${span.traceId}|${day}`);
        // The documented estimate, from the span as stored.
        const batch = spansToBatch([storedSpan.get(span.spanId)!]);
        const text = [batch.name[0], batch.serviceName[0], batch.accountId[0], batch.accountLabel[0], batch.httpMethod[0], batch.httpRoute[0], batch.httpUrl[0], batch.attributesJson[0], batch.eventsJson[0], batch.linksJson[0], batch.statusMessage[0], batch.traceState[0], batch.scopeName[0], batch.scopeVersion[0]];
        row.bytesStored += 88 + text.reduce((sum, value) => sum + Buffer.byteLength(value ?? ''), 0);
      }
    }
    // Every trace read has its root in edge's gateway, and is read today.
    const readRow = at(dayOf(Date.now()), ACCOUNTS[0].id, ACCOUNTS[0].service);
    readRow.tracesScanned += reads.scanned;
    readRow.tracesRetrieved += reads.retrieved;
    return usage;
  }
  const readsSoFar = { scanned: 0, retrieved: 0 };

  test('traces recorded, spans, bytes ingested and stored, and traces scanned and retrieved add up per account, service and day', async () => {
    const start = todayStart - 3 * DAY_MS;
    for (const limit of [7, 5]) {
      const found = await call('GET', `/api/traces?service=payments&start=${start}&end=${todayStart + DAY_MS}&limit=${limit}`);
      assert.equal(found.body.traces.length, limit);
      readsSoFar.scanned += limit;
    }
    for (const traceId of rootIds.slice(0, 3)) assert.equal((await call('GET', `/api/traces/${traceId}`)).status, 200);
    assert.equal((await call('GET', `/api/traces/${'9'.repeat(32)}`)).status, 404, 'an unknown trace reads nothing');
    readsSoFar.retrieved += 3;

    const expected = await expectedUsage(readsSoFar);
    const { status, body } = await call('GET', `/api/cost?start=${dayOf(start + DAY_MS)}&end=${dayOf(todayStart)}`);
    assert.equal(status, 200);
    // Per account and per day, from the expected rows.
    const sumBy = (keyOf: (day: string, account: string, service: string) => string) => {
      const sums = new Map<string, UsageCounts>();
      for (const [key, row] of expected) {
        const [day, account, service] = key.split('|') as [string, string, string];
        const group = sums.get(keyOf(day, account, service)) ?? emptyUsageCounts();
        for (const counter of Object.keys(group) as Array<keyof UsageCounts>) group[counter] += row[counter];
        sums.set(keyOf(day, account, service), group);
      }
      return Object.fromEntries([...sums].sort(([a], [b]) => (a < b ? -1 : 1)));
    };
    const usageOf = (lines: Array<{ usage: UsageCounts } & Record<string, unknown>>, key: string) => Object.fromEntries(lines.map((line) => [line[key] as string, line.usage]));
    assert.deepEqual(usageOf(body.byAccount, 'accountId'), sumBy((_, account) => account));
    assert.deepEqual(usageOf(body.byService, 'serviceName'), sumBy((_, __, service) => service));
    const wholeTraces = (sums: Record<string, UsageCounts>) => Object.fromEntries(Object.entries(sums).map(([key, sum]) => [key, { ...sum, tracesRecorded: sum.tracesFirstRecorded }]));
    assert.deepEqual(usageOf(body.byDay, 'day'), wholeTraces(sumBy((day) => day)), 'a day counts each trace once');
    // Apart from the rows: each account's traces, and every trace once in the total.
    const sent = requests.flatMap((r) => r.spans.map((span) => ({ account: r.account, traceId: span.traceId, day: dayOf(Number(span.startTimeUnixNano / 1_000_000n)) })));
    const inWindow = sent.filter((s) => s.day >= dayOf(start + DAY_MS) && s.day <= dayOf(todayStart));
    assert.equal(body.total.usage.tracesRecorded, new Set(inWindow.map((s) => `${s.traceId}|${s.day}`)).size);
    for (const account of ACCOUNTS) {
      const line = body.byAccount.find((l: { accountId: string }) => l.accountId === account.id);
      assert.equal(line.usage.tracesRecorded, new Set(inWindow.filter((s) => s.account === account.id).map((s) => `${s.traceId}|${s.day}`)).size, `${account.name}: each trace once, pricing's too`);
    }
    assert.equal(body.total.usage.tracesScanned, 12);
    assert.equal(body.total.usage.tracesRetrieved, 3);
  });

  test('the edited price sheet prices it, with the free tier used up day by day from the first of the month', async () => {
    assert.equal((await call('PUT', '/api/cost/prices', ADMIN, JSON.stringify({ freeTracesRecordedPerMonth: 100, perGbIngested: 2000, perGbStored: 1000 }))).status, 200);
    const expected = await expectedUsage(readsSoFar);
    // The free tier, by hand: days in order, each month from nothing.
    const perDay = new Map<string, number>();
    for (const [key, row] of expected) perDay.set(key.split('|')[0]!, (perDay.get(key.split('|')[0]!) ?? 0) + row.tracesFirstRecorded);
    const freeShare = new Map<string, number>();
    const usedIn = new Map<string, number>();
    for (const day of [...perDay.keys()].sort()) {
      const used = usedIn.get(day.slice(0, 7)) ?? 0;
      const free = Math.min(perDay.get(day)!, PRICES.freeTracesRecordedPerMonth - used);
      usedIn.set(day.slice(0, 7), used + free);
      freeShare.set(day, free / perDay.get(day)!);
    }
    const costByAccount = new Map<string, number>();
    let total = 0;
    for (const [key, row] of expected) {
      const [day, account] = key.split('|') as [string, string];
      const cost =
        (row.tracesFirstRecorded * (1 - freeShare.get(day)!) * PRICES.perMillionTracesRecorded) / 1e6 +
        ((row.tracesScanned + row.tracesRetrieved) * PRICES.perMillionTracesScanned) / 1e6 +
        (row.bytesIngested / 1e9) * PRICES.perGbIngested +
        (row.bytesStored / 1e9) * PRICES.perGbStored;
      costByAccount.set(account, (costByAccount.get(account) ?? 0) + cost);
      total += cost;
    }
    const { body } = await call('GET', `/api/cost?start=${dayOf(todayStart - 2 * DAY_MS)}&end=${dayOf(todayStart)}`);
    assert.deepEqual(body.prices, PRICES);
    for (const line of body.byAccount) assert.ok(Math.abs(line.cost.total - costByAccount.get(line.accountId)!) < 1e-9, `${line.accountId}: ${line.cost.total} ≠ ${costByAccount.get(line.accountId)}`);
    assert.ok(Math.abs(body.total.cost.total - total) < 1e-9);
    assert.ok(Math.abs(body.total.costPerTrace - total / body.total.usage.tracesRecorded) < 1e-15);
    assert.ok(total > 0.01, 'the figures are not trivially zero');
    // The sheet is kept in prices.json and read back on the next start.
    assert.deepEqual((await PriceBook.open(join(dir, 'prices.json'))).current(), PRICES);
    assert.match(await readFile(join(dir, 'prices.json.audit.jsonl'), 'utf8'), /"by":"admin"/);
  });

  test('what-if: the burst service to 100 % under its 2/s + 10 % rule', async () => {
    const { status, body } = await call('GET', '/api/cost/what-if?service=checkout-burst&rate=100%25');
    assert.equal(status, 200, JSON.stringify(body));
    // By hand: 240 traces in 95.6 s is 2.5105/s recorded = 2 + 10 % of the rest ⇒ 7.105/s reach it.
    const recorded = 240 / 95.6;
    const incoming = 2 + (recorded - 2) / 0.1;
    const month = 30 * 86_400;
    assert.deepEqual(body.rule, { name: 'burst', fixedTarget: 2, rate: 0.1 });
    assert.ok(Math.abs(body.incomingPerSecond - incoming) < 1e-9);
    assert.ok(Math.abs(body.tracesPerMonth.change - (incoming - recorded) * month) < 1e-6);
    // The free tier is every service's: the month at today's pace of every trace recorded.
    const expected = await expectedUsage(readsSoFar);
    const allTraces = new Set(requests.flatMap((r) => r.spans.map((s) => s.traceId))).size;
    const starts = requests.flatMap((r) => r.spans.map((s) => Number(s.startTimeUnixNano / 1_000_000n)));
    const allPerMonth = (allTraces / ((Math.max(...starts) - Math.min(...starts)) / 1000)) * month;
    const bill = (traces: number) => (Math.max(0, traces - PRICES.freeTracesRecordedPerMonth) * 5) / 1e6;
    const burstBytes = [...expected].filter(([key]) => key.endsWith('|checkout-burst')).reduce((sum, [, row]) => sum + (row.bytesIngested / 1e9) * 2000 + (row.bytesStored / 1e9) * 1000, 0) / 240;
    const others = allPerMonth - recorded * month;
    const change = bill(others + incoming * month) - bill(others + recorded * month) + burstBytes * (incoming - recorded) * month;
    assert.ok(Math.abs(body.costPerMonth.change - change) < 1e-6, `${body.costPerMonth.change} ≠ ${change}`);
    assert.match(body.summary, /^checkout-burst to 100 % ⇒ \+[\d,]+ traces a month, \+\$[\d.,]+$/);
  });

  test('garbage, oversized and hostile input is refused naming the field; a link or the read token cannot change prices; central keeps serving', async () => {
    const cases: Array<[string, string, string | null, string | undefined, number, RegExp]> = [
      ['PUT', '/api/cost/prices', ADMIN, 'not json', 400, /^body: not JSON/],
      ['PUT', '/api/cost/prices', ADMIN, '{"perMillionTracesRecorded": -1}', 400, /^perMillionTracesRecorded: /],
      ['PUT', '/api/cost/prices', ADMIN, '{"perGbStored": "1e309"}', 400, /^perGbStored: /],
      ['PUT', '/api/cost/prices', ADMIN, '{"freeTracesRecordedPerMonth": 1.5}', 400, /^freeTracesRecordedPerMonth: /],
      ['PUT', '/api/cost/prices', ADMIN, '{"perMillionTraces": 1}', 400, /perMillionTraces/],
      ['PUT', '/api/cost/prices', ADMIN, '{}', 400, /^body: give at least one of/],
      ['PUT', '/api/cost/prices', ADMIN, JSON.stringify({ perGbStored: 1, pad: 'x'.repeat(70_000) }), 413, /exceeds/],
      ['PUT', '/api/cost/prices', READER, '{"perGbStored": 0}', 403, /^authorization: /],
      ['PUT', '/api/cost/prices', null, '{"perGbStored": 0}', 401, /^authorization: /],
      ['PUT', '/api/cost/prices', 'stl_forged', '{"perGbStored": 0}', 401, /^authorization: /],
      ['GET', '/api/cost', 'LINK', undefined, 403, /^authorization: link /],
      ['GET', '/api/cost?start=yesterday', READER, undefined, 400, /^start: /],
      ['GET', '/api/cost?start=2030-02-30', READER, undefined, 400, /^start: /],
      ['GET', '/api/cost?start=2030-02-02&end=2030-02-01', READER, undefined, 400, /^start: must not be after end/],
      ['GET', '/api/cost?start=2020-01-01&end=2030-01-01', READER, undefined, 400, /^start: the window may span at most 366 days/],
      ['GET', '/api/cost?servce=x', READER, undefined, 400, /^servce: unknown parameter/],
      ['GET', '/api/cost/what-if?rate=1', READER, undefined, 400, /^service: required/],
      ['GET', '/api/cost/what-if?service=checkout-burst', READER, undefined, 400, /^rate: required/],
      ['GET', '/api/cost/what-if?service=checkout-burst&rate=150%25', READER, undefined, 400, /^rate: /],
      ['GET', '/api/cost/what-if?service=checkout-burst&rate=%27%3B%20DROP', READER, undefined, 400, /^rate: /],
      ['GET', '/api/cost/what-if?service=checkout-burst&rate=1&reservoir=-1', READER, undefined, 400, /^reservoir: /],
      ['GET', '/api/cost/what-if?service=checkout-burst&rate=1&days=0', READER, undefined, 400, /^days: /],
      ['GET', `/api/cost/what-if?service=${'s'.repeat(300)}&rate=1`, READER, undefined, 400, /^service: longer than 256/],
      ['GET', "/api/cost/what-if?service=x'%20OR%201%3D1%20--&rate=1", READER, undefined, 404, /^service: no traces of x' OR 1=1 --/],
      ['POST', '/api/cost', ADMIN, '{}', 405, /^method: /],
    ];
    for (const [method, path, token, body, status, message] of cases) {
      const answer = await call(method, path, token === 'LINK' ? tokens.get(ACCOUNTS[0].id)! : token, body);
      assert.equal(answer.status, status, `${method} ${path.slice(0, 80)}: ${JSON.stringify(answer.body)}`);
      assert.match(answer.body.error ?? answer.body.message, message, `${method} ${path.slice(0, 80)}`);
    }
    assert.deepEqual((await call('GET', '/api/cost/prices')).body.prices, PRICES, 'nothing refused changed the sheet');
    assert.equal((await call('GET', '/api/health')).status, 200);
  });
});
