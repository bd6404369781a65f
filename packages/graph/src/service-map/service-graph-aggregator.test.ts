import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos, seededRandom, type Span } from '@stitch/model';
import { ACCOUNTS, checkoutTraces } from '@stitch/test-support/fixtures';
import { mergeGraphRecords, recordKey, type GraphRecord } from './graph-record.ts';
import { ServiceGraphAggregator } from './service-graph-aggregator.ts';

const PAIR_WAIT_MS = 5_000;
const TICK_MS = 100;

/**
 * The five-account checkout, with what only a view of every account settles right: calls to
 * Stripe and to nowhere, entries whose caller never arrives (from another account and from their
 * own), a context dropped between accounts (inventory starts its own trace), one dropped inside
 * a service (inventory's call to the warehouse starts a trace), and server spans whose parent is
 * another account's server span (no client span between them).
 */
function scenario(): Span[] {
  const traces = checkoutTraces(60, 21, { stripeMs: [300, 2_000] });
  for (const [i, trace] of traces.entries()) {
    const find = (name: string, kind: Span['kind']) => trace.find((s) => s.name === name && s.kind === kind)!;
    const charge = find('POST /charges', 'server');
    const status = i % 10 === 0 ? 503 : i % 7 === 0 ? 429 : i % 9 === 0 ? 404 : 200;
    for (const span of [charge, find('POST /charges', 'client')]) span.http = { ...span.http, statusCode: status };
    if (i % 6 === 1) trace.splice(trace.indexOf(find('POST /quotes', 'client')), 1);
    if (i % 6 === 2) trace.splice(trace.indexOf(find('POST /emails', 'client')), 1);
    if (i % 6 === 3) {
      const reservation = find('POST /reservations', 'server');
      const moved = new Set([reservation.spanId]);
      for (const span of trace) if (span.parentSpanId !== null && moved.has(span.parentSpanId)) moved.add(span.spanId);
      for (const span of trace) if (moved.has(span.spanId)) span.traceId = `eeee${i.toString(16).padStart(28, '0')}`;
      reservation.parentSpanId = null;
      for (const span of [reservation, find('POST /reservations', 'client')]) span.attributes = { ...span.attributes, 'url.path': '/reservations' };
    }
    if (i % 6 === 4) {
      const stock = find('GET /stock', 'client');
      stock.parentSpanId = null;
      stock.traceId = `dddd${i.toString(16).padStart(28, '0')}`;
    }
    if (i % 6 === 5) {
      // No client span: pricing's server span is a child of checkout's (another account's) server span.
      const quote = find('POST /quotes', 'client');
      find('POST /quotes', 'server').parentSpanId = quote.parentSpanId;
      trace.splice(trace.indexOf(quote), 1);
    }
    if (i % 4 === 0) {
      // A batch consumer in another trace, linked to the message it archived (not its child).
      const publish = find('order-events publish', 'producer');
      trace.push(
        makeSpan({
          ...publish,
          traceId: `cccc${i.toString(16).padStart(28, '0')}`,
          spanId: `cccc${i.toString(16).padStart(12, '0')}`,
          parentSpanId: null,
          name: 'order-events archive',
          kind: 'consumer',
          startTimeUnixNano: publish.endTimeUnixNano,
          endTimeUnixNano: nanos(publish.endTimeUnixNano + 7_000_000n),
          attributes: {},
          links: [{ traceId: publish.traceId, spanId: publish.spanId, traceState: '', attributes: {} }],
          resource: { serviceName: 'archiver', attributes: { 'service.name': 'archiver' } },
          account: ACCOUNTS.notifications,
        }),
      );
    }
    if (i % 5 === 0) {
      const orders = find('POST /orders', 'server');
      trace.push(makeSpan({ ...orders, spanId: `ffff${i.toString(16).padStart(12, '0')}`, parentSpanId: orders.spanId, name: 'GET /legacy', kind: 'client', attributes: { 'server.address': 'legacy.internal' } }));
    }
  }
  return traces.flat();
}

interface Arrival {
  atMs: number;
  span: Span;
}

type Order = 'shuffled' | 'calls first' | 'entries first';

/** When each span reaches its aggregator: within `windowMs`, or the side named first a second or two ahead. */
function arrivals(spans: Span[], order: Order, seed: number, windowMs = 2_000): Arrival[] {
  const random = seededRandom(seed);
  const first = (span: Span) =>
    order === 'calls first' ? span.kind === 'client' || span.kind === 'producer' : order === 'entries first' ? span.kind === 'server' || span.kind === 'consumer' : true;
  return spans
    .map((span) => ({ span, atMs: order === 'shuffled' || first(span) ? random() * windowMs : windowMs + random() * windowMs }))
    .sort((a, b) => a.atMs - b.atMs);
}

/** Steps the clock: each tick, the spans due go to `deliver`, then `expire` runs; at last everything is settled. */
function play(schedule: Arrival[], deliver: (spans: Span[], nowMs: number) => void, expire: (nowMs: number) => void): void {
  const endMs = schedule.at(-1)!.atMs + 10 * PAIR_WAIT_MS;
  let next = 0;
  for (let now = 0; now <= endMs; now += TICK_MS) {
    const due: Span[] = [];
    while (next < schedule.length && schedule[next]!.atMs <= now) due.push(schedule[next++]!.span);
    if (due.length > 0) deliver(due, now);
    expire(now);
  }
  expire(Number.MAX_SAFE_INTEGER);
}

function oneAggregator(schedule: Arrival[]): GraphRecord[] {
  const aggregator = new ServiceGraphAggregator({ pairWaitMs: PAIR_WAIT_MS });
  play(schedule, (spans, now) => aggregator.add(spans, now), (now) => aggregator.expire(now));
  return aggregator.drain();
}

interface Federation {
  /** Accounts whose spans central receives itself (mixed mode). */
  piped?: ReadonlySet<string>;
  /** How long an account's hand-offs take to reach central (default 500 ms). */
  handOffDelayMs?: (account: string) => number;
  centralPairWaitMs?: number;
}

/** An aggregator per account handing its unpaired spans to central's, which also counts the piped accounts' spans. */
function federated(schedule: Arrival[], { piped = new Set(), handOffDelayMs = () => 500, centralPairWaitMs = PAIR_WAIT_MS }: Federation = {}) {
  const central = new ServiceGraphAggregator({ pairWaitMs: centralPairWaitMs });
  const agents = new Map<string, ServiceGraphAggregator>();
  let inTransit: Arrival[] = [];
  let handedOver = 0;
  let clock = 0;
  const agentOf = (account: string) => {
    let agent = agents.get(account);
    if (!agent) {
      agent = new ServiceGraphAggregator({
        pairWaitMs: PAIR_WAIT_MS,
        onUnpaired: (span) => {
          handedOver += 1;
          inTransit.push({ span, atMs: clock + handOffDelayMs(account) });
        },
      });
      agents.set(account, agent);
    }
    return agent;
  };
  play(
    schedule,
    (spans, now) => {
      clock = now;
      central.add(spans.filter((span) => piped.has(span.account.id)), now);
      for (const account of new Set(spans.map((span) => span.account.id))) {
        if (!piped.has(account)) agentOf(account).add(spans.filter((span) => span.account.id === account), now);
      }
    },
    (now) => {
      clock = now;
      for (const agent of agents.values()) agent.expire(now);
      const due = now === Number.MAX_SAFE_INTEGER ? inTransit : inTransit.filter((arrival) => arrival.atMs <= now);
      inTransit = inTransit.filter((arrival) => !due.includes(arrival));
      if (due.length > 0) central.addUnpaired(due.map((arrival) => arrival.span), now);
      central.expire(now);
    },
  );
  assert.equal(inTransit.length, 0);
  return { central: central.drain(), agents: [...agents.values()].flatMap((agent) => agent.drain()), handedOver };
}

/** Per bucket, every node, edge and finding added up over the aggregators that counted it. */
function totals(records: GraphRecord[]) {
  const byBucket = new Map<number, GraphRecord[]>();
  for (const record of records) byBucket.set(record.bucketStartMs, [...(byBucket.get(record.bucketStartMs) ?? []), record]);
  return [...byBucket.values()]
    .flatMap((bucket) => mergeGraphRecords(bucket))
    .map(({ bucketStartMs, roots, measurements, examples, ...ref }) => ({ key: `${bucketStartMs} ${recordKey(ref)}`, roots, ...measurements, examples }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Equal counts, outcomes, latencies and roots; examples only loosely (which trace comes first differs): some iff some, all from the set. */
function assertSameMap(actual: GraphRecord[], expected: GraphRecord[], traceIds: ReadonlySet<string>): void {
  const got = totals(actual);
  const want = totals(expected);
  assert.deepEqual(
    got.map(({ examples, ...counts }) => counts),
    want.map(({ examples, ...counts }) => counts),
  );
  for (const [i, record] of got.entries()) {
    assert.equal(record.examples.length > 0, want[i]!.examples.length > 0, record.key);
    for (const id of record.examples) assert.ok(traceIds.has(id), `${record.key}: example ${id}`);
  }
}

describe('federated: an aggregator per account handing over what it cannot pair, central pairing across accounts', () => {
  const spans = scenario();
  const traceIds = new Set(spans.map((span) => span.traceId));

  test('the scenario has every kind of settlement to get right', () => {
    const records = totals(oneAggregator(arrivals(spans, 'shuffled', 1)));
    const has = (pattern: RegExp) => assert.ok(records.some((record) => pattern.test(record.key)), `${pattern} in the map`);
    has(/ edge\u0001service\|222222222222\|checkout-orchestrator\u0001http\|\|legacy\.internal\u0001sync$/u);
    has(/ edge\u0001service\|444444444444\|payments\u0001http\|\|api\.stripe\.com\u0001sync$/u);
    has(/ edge\u0001queue\|222222222222\|order-events\u0001service\|555555555555\|notifications\u0001async$/u);
    has(/ edge\u0001service\|222222222222\|checkout-orchestrator\u0001database\|777777777777\|orders\u0001sync$/u);
    has(/ orphan\u0001\u0001service\|333333333333\|pricing\u0001sync$/u);
    has(/ edge\u0001queue\|222222222222\|order-events\u0001service\|555555555555\|archiver\u0001async$/u);
    has(/ orphan\u0001\u0001service\|555555555555\|email\u0001sync$/u);
    has(/ dropped\u0001service\|222222222222\|checkout-orchestrator\u0001service\|333333333333\|inventory\u0001sync$/u);
    has(/ dropped\u0001service\|333333333333\|inventory\u0001http\|\|warehouse\.internal\u0001sync$/u);
  });

  for (const [order, seed] of [['shuffled', 2], ['calls first', 3], ['entries first', 4]] as const) {
    test(`adds up to the map one aggregator of every span makes (${order})`, () => {
      const schedule = arrivals(spans, order, seed);
      const { central, agents, handedOver } = federated(schedule);
      assertSameMap([...central, ...agents], oneAggregator(schedule), traceIds);
      assert.ok(handedOver > 0);
      // What needs another account's spans is settled centrally only.
      assert.ok(!agents.some((record) => record.kind === 'orphan'));
      assert.ok(!agents.some((record) => record.kind !== 'dropped' && record.to.inferred !== null && record.to.inferred !== 'database'), 'no peer guessed where the callee may live elsewhere');
      assert.ok(!central.some((record) => record.kind === 'node' && record.to.inferred === null), 'handed-over spans are not counted again');
    });
  }

  test('the same when one account hands over late, within central’s wait', () => {
    const schedule = arrivals(spans, 'shuffled', 5, 1_000);
    const late = federated(schedule, { handOffDelayMs: (account) => (account === ACCOUNTS.checkout.id ? 3_500 : 500) });
    assertSameMap([...late.central, ...late.agents], oneAggregator(schedule), traceIds);
  });

  for (const [order, seed] of [['shuffled', 6], ['calls first', 7], ['entries first', 8]] as const) {
    test(`mixed: some accounts piped to central, the others federated (${order})`, () => {
      const schedule = arrivals(spans, order, seed);
      const piped = new Set([ACCOUNTS.checkout.id, ACCOUNTS.notifications.id]);
      // A piped span's partner reaches central an agent's wait (and the hand-off) after it.
      const { central, agents } = federated(schedule, { piped, centralPairWaitMs: 2 * PAIR_WAIT_MS + 1_000 });
      assertSameMap([...central, ...agents], oneAggregator(schedule), traceIds);
    });
  }

  test('calls and entries settled early (over maxWaiting) are handed over too', () => {
    const handed: Span[] = [];
    const agent = new ServiceGraphAggregator({ maxWaiting: 1, onUnpaired: (span) => handed.push(span) });
    const calls = [1, 2, 3].map((i) => makeSpan({ kind: 'client', parentSpanId: `${i}`.padStart(16, '0'), attributes: { 'server.address': 'api.stripe.com' } }));
    agent.add(calls, 0);
    assert.deepEqual(handed, calls.slice(0, 2));
    assert.equal(agent.settledEarly, 2);
    assert.deepEqual(agent.drain(), []);
  });
});
