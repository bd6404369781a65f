import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos, seededRandom, spansToBatch, type Attributes, type Span } from '@stitch/model';
import { parseFieldName, parseFilter, type FilterExpr } from '@stitch/query';
import type { AttributeDiscovery, DiscoveredValue, StoreLifecycle, TraceWrites } from '@stitch/store';

export interface DiscoveryContractOptions {
  /** A fresh, empty store. */
  newStore: () => Promise<TraceWrites & AttributeDiscovery & StoreLifecycle>;
}

const BASE = 1_920_000_000_000_000_000n;
const at = (ms: number) => nanos(BASE + BigInt(ms) * 1_000_000n);
const ACCOUNTS = ['111111111111', '222222222222', '333333333333'];
const RESOURCES: Attributes[] = [
  { 'service.name': 'gateway', 'deployment.environment': 'prod', 'host.cpu.count': 4 },
  { 'service.name': 'orders', 'deployment.environment': 'prod', 'cloud.region': 'eu-west-1' },
  { 'service.name': 'fare', 'deployment.environment': 'staging', 'feature.beta': true },
];

/**
 * Spans of three services in three accounts, half in the window [0, 10 s) and the rest before or
 * after it, with attributes of every type (a key typed differently on different spans too), and
 * each batch written twice over: the stores keep a resource once however often it comes.
 */
function generated(): Span[] {
  const random = seededRandom(2812);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: 400 }, (_, i) => {
    const service = i % 3;
    const attributes: Attributes = {};
    if (random() < 0.6) attributes['db.system'] = pick(['postgresql', 'redis', 'mysql']);
    if (random() < 0.4) attributes['retry.count'] = pick([0, 1, 2, 2.5]);
    if (random() < 0.3) attributes['cache.hit'] = random() < 0.5;
    // One key, two types: "1" and 1 are different values.
    if (random() < 0.2) attributes['user.tier'] = pick(['1', 1, 'gold']);
    if (random() < 0.1) attributes['tags'] = ['a', 'b'];
    if (random() < 0.1) attributes['deployment.environment'] = 'span-level';
    return makeSpan({
      traceId: `d1${(i % 97).toString(16).padStart(30, '0')}`,
      spanId: i.toString(16).padStart(16, '0'),
      // Trees: span i's parent is i - 97, of the same trace; some children start before the window.
      parentSpanId: i >= 97 ? (i - 97).toString(16).padStart(16, '0') : null,
      name: pick(['GET /fares', 'SELECT orders', 'publish']),
      kind: pick(['server', 'client', 'producer'] as const),
      status: { code: pick(['unset', 'ok', 'error'] as const), message: '' },
      startTimeUnixNano: at(-5_000 + (i % 200) * 100),
      endTimeUnixNano: at(-5_000 + (i % 200) * 100 + 7),
      attributes,
      // Events repeat their keys (two exceptions on one span): a name counts spans, not events.
      events: random() < 0.3 ? Array.from({ length: 1 + Math.floor(random() * 2) }, (_, n) => ({ name: 'exception', timeUnixNano: at(n), attributes: pick(EVENT_ATTRIBUTES) })) : [],
      links: random() < 0.2 ? [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceState: '', attributes: pick<Attributes>([{}, { 'messaging.operation': 'receive' }]) }] : [],
      resource: { serviceName: RESOURCES[service]!['service.name'] as string, attributes: RESOURCES[service]! },
      account: { id: ACCOUNTS[service]!, label: `account ${service}` },
    });
  });
}

const EVENT_ATTRIBUTES: Attributes[] = [{ 'exception.type': 'TimeoutError', 'exception.escaped': true }, { 'exception.type': 'ECONNRESET' }, {}];

const WINDOW = { startNanos: at(0), endNanos: at(10_000) };

/** What a reader should see, counted here by hand from the spans (not by the code under test). */
function countNames(spans: readonly Span[], of: (span: Span) => Attributes): Map<string, number> {
  const counts = new Map<string, number>();
  for (const span of spans) for (const key of Object.keys(of(span))) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

function countValues(spans: readonly Span[], value: (span: Span) => unknown): Map<string, number> {
  const counts = new Map<string, number>();
  for (const span of spans) {
    const found = value(span);
    if (typeof found === 'string' || typeof found === 'number' || typeof found === 'boolean') {
      const key = `${typeof found}:${String(found)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

const asCounts = (items: ReadonlyArray<{ name: string; count: number }>) => new Map(items.map((item) => [item.name, item.count]));
const valueCounts = (items: ReadonlyArray<{ value: DiscoveredValue; count: number }>) => new Map(items.map((item) => [`${typeof item.value}:${String(item.value)}`, item.count]));
const isRanked = (counts: readonly number[]) => counts.every((count, i) => i === 0 || counts[i - 1]! >= count);

/** Attribute discovery: names and values with their counts over a window, as the filter box completes them. */
export function runDiscoveryContract(name: string, options: DiscoveryContractOptions): void {
  const spans = generated();
  const inWindow = spans.filter((span) => span.startTimeUnixNano >= WINDOW.startNanos && span.startTimeUnixNano < WINDOW.endNanos);
  const childrenFromWindowStart = (parent: Span) =>
    spans.filter((span) => span.traceId === parent.traceId && span.parentSpanId === parent.spanId && span.startTimeUnixNano >= WINDOW.startNanos).length;
  const load = async () => {
    const store = await options.newStore();
    for (let i = 0; i < spans.length; i += 50) await store.writeBatch(spansToBatch(spans.slice(i, i + 50)));
    return store;
  };
  const it = (title: string, body: (store: TraceWrites & AttributeDiscovery) => Promise<void>) =>
    test(title, async () => {
      const store = await load();
      try {
        await body(store);
      } finally {
        await store.close();
      }
    });

  describe(`attribute discovery: ${name}`, () => {
    it('names: every attribute of the window with the spans carrying it, most first, a resource counted per span', async (store) => {
      const names = await store.attributeNames(WINDOW, 100);
      assert.deepEqual(asCounts(names.span), countNames(inWindow, (span) => span.attributes));
      assert.deepEqual(asCounts(names.resource), countNames(inWindow, (span) => span.resource.attributes));
      assert.ok(isRanked(names.span.map((item) => item.count)) && isRanked(names.resource.map((item) => item.count)));
      // An event's or a link's names: a span counted once however many of its events carry one.
      const ofAll = (owners: ReadonlyArray<{ attributes: Attributes }>) => Object.fromEntries(owners.flatMap((owner) => Object.entries(owner.attributes)));
      assert.deepEqual(asCounts(names.event), countNames(inWindow, (span) => ofAll(span.events)));
      assert.deepEqual(asCounts(names.link), countNames(inWindow, (span) => ofAll(span.links)));
      assert.ok(names.event.length === 2 && names.link.length === 1, 'not vacuous');
      // Not vacuous: spans outside the window carry the same names, and would double the counts.
      assert.equal(asCounts(names.resource).get('service.name'), inWindow.length);
      const top = await store.attributeNames(WINDOW, 2);
      assert.deepEqual(top.span.map((item) => item.count), names.span.slice(0, 2).map((item) => item.count));
    });

    it('names of a scoped reader: its accounts only', async (store) => {
      const names = await store.attributeNames({ ...WINDOW, accounts: [ACCOUNTS[2]!] }, 100);
      const own = inWindow.filter((span) => span.account.id === ACCOUNTS[2]);
      assert.deepEqual(asCounts(names.resource), countNames(own, (span) => span.resource.attributes));
      assert.ok(!names.resource.some((item) => item.name === 'host.cpu.count'), 'another account’s resource attribute');
      assert.deepEqual((await store.attributeNames({ ...WINDOW, accounts: [] }, 100)).span, []);
    });

    it('values of fields and attributes, typed, most common first; of spans meeting a condition', async (store) => {
      const cases: Array<[string, (span: Span) => unknown, FilterExpr | null]> = [
        ['name', (span) => span.name, null],
        ['status', (span) => span.status.code, null],
        ['span:kind', (span) => span.kind, null],
        ['span.db.system', (span) => span.attributes['db.system'], null],
        ['span.retry.count', (span) => span.attributes['retry.count'], null],
        ['span.cache.hit', (span) => span.attributes['cache.hit'], null],
        ['span.user.tier', (span) => span.attributes['user.tier'], null],
        ['resource.deployment.environment', (span) => span.resource.attributes['deployment.environment'], null],
        ['.deployment.environment', (span) => ('deployment.environment' in span.attributes ? span.attributes : span.resource.attributes)['deployment.environment'], null],
        ['resource.service.name', (span) => span.resource.serviceName, null],
        ['span.db.system', (span) => (span.kind === 'client' ? span.attributes['db.system'] : undefined), braces('{ kind = client }')],
        // Children are counted among the spans from the window's start on.
        ['name', (span) => (childrenFromWindowStart(span) > 0 ? span.name : undefined), braces('{ span:childCount > 0 }')],
        ['span:kind', (span) => (childrenFromWindowStart(span) === 0 ? span.kind : undefined), braces('{ span:childCount = 0 }')],
      ];
      for (const [field, value, condition] of cases) {
        const found = await store.attributeValues(WINDOW, parseFieldName(field), condition, 100);
        const want = countValues(inWindow, value);
        assert.deepEqual(valueCounts(found), want, field);
        assert.ok(isRanked(found.map((item) => item.count)), field);
        assert.ok(want.size > 1, `${field}: the case must tell values apart`);
      }
      // Arrays are not values one can compare with; a key no span has has none.
      assert.deepEqual(await store.attributeValues(WINDOW, parseFieldName('span.tags'), null, 100), []);
      assert.equal((await store.attributeValues(WINDOW, parseFieldName('name'), null, 1)).length, 1);
    });
  });
}

function braces(text: string): FilterExpr {
  const parsed = parseFilter(text);
  if (parsed.type !== 'spanSet' || parsed.body === null) throw new Error(`${text} is not one { } with conditions`);
  return parsed.body;
}
