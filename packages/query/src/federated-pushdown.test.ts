import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ANNOTATION_KEYS_ATTRIBUTE, makeSpan, nanos, seededRandom, spanDuration, traceBoundsOf, TRACE_STATUSES, type Account, type Attributes, type Span } from '@stitch/model';
import { FLAGS, ORDER_OPS, STRUCTURAL_OPS, TEXT_FIELDS, TEXT_OPS, type SpanSource, type CompareExpr, type FilterExpr, type TextField } from './ast.ts';
import { traceMatches } from './evaluate.ts';
import { pushdownFilter } from './federated-pushdown.ts';
import { filterText } from './filter-text.ts';
import { parseFilter } from './parser.ts';

/** The expression as filter text with every group in parentheses, so structure shows (and columns do not count). */
function show(expr: FilterExpr | null): string {
  if (expr === null) return 'null';
  switch (expr.type) {
    case 'and':
    case 'or':
      return `(${show(expr.left)} ${expr.type.toUpperCase()} ${show(expr.right)})`;
    case 'not':
      return `NOT ${show(expr.expr)}`;
    case 'flag':
      return expr.flag;
    case 'service':
      return `service(${JSON.stringify(expr.service)})${expr.body ? ` { ${show(expr.body)} }` : ''}`;
    case 'edge':
      return `edge(${JSON.stringify(expr.from)}, ${JSON.stringify(expr.to)})${expr.body ? ` { ${show(expr.body)} }` : ''}`;
    case 'peer':
      return `peer(${JSON.stringify(expr.name)}${expr.account === null ? '' : `, ${JSON.stringify(expr.account)}`})`;
    case 'compare': {
      const field = expr.field === 'annotation' ? `annotation.${expr.key}` : expr.field === 'attribute' ? `${expr.scope === 'any' ? '' : expr.scope}.${expr.key}` : expr.field;
      const value = typeof expr.value === 'bigint' ? `${expr.value}ns` : expr.value === null ? 'nil' : JSON.stringify(expr.value);
      return `${field} ${expr.op.toUpperCase()} ${value}`;
    }
    case 'traceStatus':
      return `trace.status ${expr.op} ${expr.value}`;
    case 'traceRoot':
      return `trace.root.${expr.field} ${expr.op} ${JSON.stringify(expr.value)}`;
    case 'spanSet':
      return expr.body === null ? '{ }' : `{ ${show(expr.body)} }`;
    case 'pipeline':
    case 'structure':
      return `(${filterText(expr)})`;
  }
}

const pushed = (text: string) => show(pushdownFilter(parseFilter(text)));

describe('pushdownFilter: the rules', () => {
  const cases: Array<[string, string | null, string]> = [
    // Existential conditions: the span that makes them true is in some part.
    ['fault', 'fault', 'a flag'],
    ['http.status >= 500', 'http.status >= 500', 'a comparison'],
    ['annotation.vip = true', 'annotation.vip = true', 'an annotation'],
    ['account = "payments"', 'account = "payments"', 'the account'],
    ['peer("api.stripe.com")', 'peer("api.stripe.com")', 'a call to a peer'],
    ['NOT peer("api.stripe.com") AND fault', '(fault AND NOT peer("api.stripe.com"))', 'no call to a peer: no part has one'],
    ['service("payments") { fault AND duration > 2 }', 'service("payments") { fault AND duration > 2 }', 'service with a body (its duration is the span\'s)'],
    // Edges: the parent may be in another account.
    ['edge("checkout", "payments")', 'service("payments")', 'edge: the child'],
    ['edge("checkout", "payments") { http.status >= 500 OR NOT ok }', 'service("payments") { http.status >= 500 OR NOT ok }', 'edge with a body: the child with it'],
    // Whole-trace duration: every part is as short as the trace or shorter.
    ['duration < 2', 'duration < 2', 'duration <'],
    ['duration <= 2', 'duration <= 2', 'duration <='],
    ['duration = 2', 'duration <= 2', 'duration =: at most'],
    ['duration > 2', null, 'duration >'],
    ['duration >= 2', null, 'duration >='],
    ['duration != 2', null, 'duration !='],
    // responsetime: the root's part finds the same root.
    ['responsetime > 2', 'responsetime > 2', 'responsetime'],
    ['responsetime = 2', 'responsetime = 2', 'responsetime ='],
    // NOT, pushed down first.
    ['NOT fault', 'NOT fault', 'NOT of a condition'],
    ['NOT http.status = 500', 'NOT http.status = 500', 'NOT of a comparison stays NOT (not !=)'],
    ['NOT service("payments") { fault }', 'NOT service("payments") { fault }', 'NOT service'],
    ['NOT edge("checkout", "payments") { fault }', 'NOT edge("checkout", "payments") { fault }', 'NOT edge: every part lacks the edge too'],
    ['NOT NOT fault', 'fault', 'double NOT'],
    ['NOT duration > 2', 'duration <= 2', 'NOT duration >'],
    ['NOT duration >= 2', 'duration < 2', 'NOT duration >='],
    ['NOT duration != 2', 'duration <= 2', 'NOT duration !='],
    ['NOT duration < 2', null, 'NOT duration <'],
    ['NOT duration = 2', null, 'NOT duration ='],
    ['NOT responsetime > 2', 'responsetime <= 2', 'NOT responsetime'],
    ['NOT (fault OR error)', '(NOT fault AND NOT error)', 'De Morgan on OR'],
    ['NOT (fault AND error)', '(NOT fault OR NOT error)', 'De Morgan on AND'],
    ['NOT (fault AND duration < 2)', null, 'De Morgan: NOT fault OR nothing'],
    ['NOT (fault OR duration > 2)', '(NOT fault AND duration <= 2)', 'De Morgan: both hold in every part'],
    ['NOT service("a") { NOT fault }', 'NOT service("a") { NOT fault }', 'bodies are left as they are'],
    // The trace's status: the root's part has the trace's root; without a root, no part has one.
    ['trace.status = fault', 'trace.status = fault', 'status: where the root is'],
    ['trace.status != ok', 'trace.status != ok', 'status !=: the root\'s part, or every part while none has a root'],
    ['trace.status = unknown', 'trace.status = unknown', 'unknown: every part'],
    ['NOT trace.status = ok', 'trace.status != ok', 'NOT flips ='],
    ['NOT trace.status != unknown', 'trace.status = unknown', 'NOT flips !='],
    ['trace.status = unknown AND fault', '(fault AND trace.status = unknown)', 'unknown joins anything'],
    ['trace.status = fault AND fault', 'trace.status = fault', 'status = fault over a flag'],
    ['trace.status = ok AND fault', 'fault', 'a flag over status = ok'],
    // OR.
    ['fault OR error', '(fault OR error)', 'OR of two'],
    ['fault OR duration > 2', null, 'OR with nothing'],
    ['edge("a", "b") OR duration < 1', '(service("b") OR duration < 1)', 'OR of mixed'],
    // AND of two conditions that may hold in different parts: the more selective one.
    ['fault AND error', 'fault', 'a tie keeps the left'],
    ['ok AND error', 'error', 'flags over ok'],
    ['fault AND http.status != 200', 'http.status != 200', 'comparisons over flags'],
    ['http.status >= 500 AND http.method = "POST"', 'http.method = "POST"', '= over other comparisons'],
    ['name BEGINSWITH "GET" AND service("payments")', 'service("payments")', 'service over comparisons'],
    ['service("a") AND edge("b", "c") { fault }', 'service("c") { fault }', 'a body over none'],
    ['(fault OR service("a")) AND error', '(fault OR service("a"))', 'an OR counts as its weakest side'],
    ['fault AND duration > 2', 'fault', 'nothing from one side'],
    ['duration > 2 AND duration >= 3', null, 'nothing from both'],
    // AND with conditions every part satisfies: those join anything.
    ['fault AND NOT error', '(fault AND NOT error)', 'with a NOT'],
    ['service("p") AND duration < 2 AND NOT edge("a", "b")', '((service("p") AND duration < 2) AND NOT edge("a", "b"))', 'with a duration and a NOT edge'],
    ['NOT fault AND duration <= 1', '(NOT fault AND duration <= 1)', 'only those'],
    ['fault AND error AND NOT throttle', '(fault AND NOT throttle)', 'kept even when a side loses'],
    ['(fault AND duration < 1) OR (error AND duration < 2)', '((fault AND duration < 1) OR (error AND duration < 2))', 'OR keeps each side whole'],
    [
      '((fault AND duration < 1) OR (error AND duration < 2)) AND service("x") { fault }',
      '(service("x") { fault } AND (duration < 1 OR duration < 2))',
      'an OR that loses the choice keeps what holds everywhere',
    ],
  ];
  for (const [input, expected, why] of cases) {
    test(`${why}: ${input}`, () => assert.equal(pushed(input), expected === null ? 'null' : show(parseFilter(expected))));
  }

  test('the input is not changed', () => {
    const input = parseFilter('NOT (edge("a", "b") { fault } OR duration = 2) AND responsetime > 1');
    const before = structuredClone(input);
    pushdownFilter(input);
    assert.deepEqual(input, before);
  });
});

// Hand-made traces over accounts, for the reasons behind the rules.
const PAYMENTS: Account = { id: '333333333333', label: 'payments' };
const CHECKOUT: Account = { id: '222222222222', label: 'checkout' };
const T0 = 1_800_000_000_000_000_000n;
const ms = (value: number) => nanos(T0 + BigInt(value) * 1_000_000n);

function span(id: number, service: string, account: Account, parent: number | null, startMs: number, endMs: number, overrides: Partial<Span> = {}): Span {
  return makeSpan({
    traceId: 'ab'.repeat(16),
    spanId: id.toString(16).padStart(16, '0'),
    parentSpanId: parent === null ? null : parent.toString(16).padStart(16, '0'),
    startTimeUnixNano: ms(startMs),
    endTimeUnixNano: ms(endMs),
    resource: { serviceName: service, attributes: { 'service.name': service } },
    account,
    ...overrides,
  });
}

/** Each account's part of the trace, in the trace's order. */
function partsOf(spans: readonly Span[]): Span[][] {
  const parts = new Map<string, Span[]>();
  for (const s of spans) parts.set(s.account.id, [...(parts.get(s.account.id) ?? []), s]);
  return [...parts.values()];
}
const somePart = (expr: FilterExpr, spans: readonly Span[]) => partsOf(spans).some((part) => traceMatches(expr, part));

describe('pushdownFilter: why the rules are what they are', () => {
  test('an edge across accounts is in no part; its child is', () => {
    const trace = [span(1, 'checkout', CHECKOUT, null, 0, 100), span(2, 'payments', PAYMENTS, 1, 10, 50)];
    const filter = parseFilter('edge("checkout", "payments")');
    assert.equal(traceMatches(filter, trace), true);
    assert.equal(somePart(filter, trace), false);
    assert.equal(somePart(pushdownFilter(filter)!, trace), true);
  });

  test('two conditions can hold in different parts only', () => {
    const trace = [span(1, 'checkout', CHECKOUT, null, 0, 100, { status: { code: 'error', message: '' } }), span(2, 'payments', PAYMENTS, 1, 10, 50, { http: { method: 'POST', route: null, url: null, statusCode: 404 } })];
    const filter = parseFilter('fault AND error');
    assert.equal(traceMatches(filter, trace), true);
    assert.equal(somePart(filter, trace), false);
    assert.equal(somePart(pushdownFilter(filter)!, trace), true);
  });

  test('a long trace can be made of short parts', () => {
    const trace = [span(1, 'checkout', CHECKOUT, null, 0, 100), span(2, 'payments', PAYMENTS, 1, 900, 1000)];
    assert.equal(traceMatches(parseFilter('duration > 500ms'), trace), true);
    assert.equal(somePart(parseFilter('duration > 500ms'), trace), false);
    assert.equal(pushdownFilter(parseFilter('duration > 500ms')), null);
    assert.equal(partsOf(trace).every((part) => traceMatches(parseFilter('duration <= 1s'), part)), true);
  });

  test('responsetime: other parts have other roots, the root\'s part has the trace\'s', () => {
    // Payments' part starts with a span whose parent is in checkout; a later parentless span there is its local root.
    const trace = [
      span(1, 'checkout', CHECKOUT, null, 0, 100),
      span(2, 'payments', PAYMENTS, 1, 10, 20),
      span(3, 'payments', PAYMENTS, null, 30, 900),
    ];
    const filter = parseFilter('responsetime < 200ms');
    assert.equal(traceMatches(filter, trace), true);
    assert.equal(traceMatches(filter, trace.filter((s) => s.account === PAYMENTS)), false);
    assert.equal(somePart(pushdownFilter(filter)!, trace), true);
  });

  test('NOT edge is not NOT service: a span of b called by someone else is in every part', () => {
    const trace = [
      span(1, 'gateway', CHECKOUT, null, 0, 100),
      span(2, 'payments', CHECKOUT, 1, 10, 20),
      span(3, 'payments', PAYMENTS, 1, 30, 90),
    ];
    const filter = parseFilter('NOT edge("checkout", "payments")');
    assert.equal(traceMatches(filter, trace), true);
    assert.equal(somePart(parseFilter('NOT service("payments")'), trace), false);
    assert.equal(somePart(pushdownFilter(filter)!, trace), true);
  });
});

// ---- The property: no match is ever lost, on generated traces and filters. ----

const ACCOUNTS: readonly Account[] = [
  { id: '111111111111', label: 'edge' },
  { id: '222222222222', label: 'checkout' },
  { id: '333333333333', label: 'payments' },
  { id: '444444444444', label: 'inventory' },
  { id: '555555555555', label: 'notifications' },
];
const SERVICES = ['gateway', 'checkout', 'payments', 'pricing', 'inventory', 'notifications'] as const;
const NAMES = ['GET /prices', 'POST /v1/place-order', 'Stripe API call', 'reserve stock', 'publish order-events'];
const URLS = ['https://api.stripe.com/v1/charges', 'http://pricing/prices/42', 'http://checkout/v1/place-order?x=1'];
const ROUTES = ['/payments', '/prices/{sku}', '/v1/place-order'];
const PEERS = ['api.stripe.com', 'pricing', 'checkout', ...NAMES];
const BASE_MS = 1_910_000_000_000;
const at = (msValue: number) => nanos(BigInt(Math.round((BASE_MS + msValue) * 1000)) * 1_000n);

/** A small deterministic generator, so a failure names a seed that reproduces it. */
function randomSource(seed: number) {
  const next = seededRandom(seed);
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}
type Random = ReturnType<typeof randomSource>;

/**
 * A trace over 2 to 5 accounts: each service lives in one of them (now and then a span runs in
 * another), with HTTP facts, outcomes, annotations, async tails, a second parentless span, an
 * orphan, and sometimes a lost root.
 */
function randomTrace(random: Random, index: number): Span[] {
  const traceId = `7b${index.toString(16).padStart(30, '0')}`;
  const accounts = [...ACCOUNTS].sort(() => random.next() - 0.5).slice(0, random.int(2, 5));
  const home = new Map(SERVICES.map((service) => [service, random.pick(accounts)]));
  const spans: Span[] = [];
  let counter = 0;
  const add = (parentSpanId: string | null, service: (typeof SERVICES)[number], startMs: number, durationMs: number): Span => {
    counter += 1;
    const status = random.pick([null, 200, 200, 201, 404, 429, 500, 503] as const);
    const annotations: Attributes = {};
    if (random.chance(0.3)) {
      const keys = ['order_id', 'retries', 'vip'].filter(() => random.chance(0.7));
      if (keys.includes('order_id')) annotations.order_id = `o-${random.int(1, 4)}`;
      if (keys.includes('retries')) annotations.retries = random.int(0, 4);
      if (keys.includes('vip')) annotations.vip = random.chance(0.5);
      annotations[ANNOTATION_KEYS_ATTRIBUTE] = keys;
    }
    // Distinct starts within a trace: no two roots tie.
    const start = startMs + counter * 0.001;
    const span = makeSpan({
      traceId,
      spanId: `${index.toString(16).padStart(8, '0')}${counter.toString(16).padStart(8, '0')}`,
      parentSpanId,
      name: random.pick(NAMES),
      kind: parentSpanId === null ? 'server' : random.pick(['server', 'client', 'internal', 'producer', 'consumer'] as const),
      startTimeUnixNano: at(start),
      endTimeUnixNano: at(start + durationMs),
      status: { code: random.pick(['unset', 'unset', 'ok', 'error'] as const), message: '' },
      http: {
        method: status === null ? null : random.pick(['GET', 'POST']),
        route: status === null ? null : random.pick(ROUTES),
        url: status === null ? null : random.pick(URLS),
        statusCode: status,
      },
      attributes: { ...annotations, ...(random.chance(0.4) ? { 'db.system': random.pick(['redis', 'postgresql']), 'db.rows': random.int(0, 3) } : {}) },
      resource: { serviceName: service, attributes: { 'service.name': service, ...(random.chance(0.5) ? { 'deployment.environment': random.pick(['prod', 'staging']) } : {}) } },
      account: random.chance(0.1) ? random.pick(accounts) : home.get(service)!,
    });
    spans.push(span);
    return span;
  };
  const root = add(null, random.pick(['gateway', 'checkout'] as const), 0, random.int(5, 3000));
  const grow = (parent: Span, depth: number) => {
    const children = depth > 2 ? 0 : random.int(depth === 0 ? 1 : 0, 3);
    for (let i = 0; i < children; i++) {
      const startMs = Number(parent.startTimeUnixNano - at(0)) / 1e6 + random.int(0, 40);
      const child = add(parent.spanId, random.pick(SERVICES), startMs, random.chance(0.1) ? 6000 : random.int(1, 2000));
      grow(child, depth + 1);
    }
  };
  grow(root, 0);
  // A second parentless span (a detached job), and a span whose parent never arrived.
  if (random.chance(0.15)) add(null, random.pick(SERVICES), random.int(-20, 500), random.int(1, 4000));
  if (random.chance(0.15)) add('ffffffffffffffff', random.pick(SERVICES), random.int(-20, 500), random.int(1, 4000));
  // Now and then the root is lost: the earliest span stands in.
  if (random.chance(0.1) && spans.length > 1) spans.shift();
  return spans;
}

/** What the filters are built from, so their values sit where the trace's facts are and both outcomes happen. */
interface TraceFacts {
  services: string[];
  edges: Array<[string, string]>;
  /** The trace's, its parts' and their roots' durations. */
  traceDurations: bigint[];
  spanDurations: bigint[];
}

function factsOf(spans: readonly Span[]): TraceFacts {
  const serviceOf = new Map(spans.map((s) => [s.spanId, s.resource.serviceName]));
  const edges: Array<[string, string]> = [];
  for (const s of spans) {
    const from = s.parentSpanId === null ? undefined : serviceOf.get(s.parentSpanId);
    if (from !== undefined) edges.push([from, s.resource.serviceName]);
  }
  const traceDurations = [spans, ...partsOf(spans)].flatMap((group) => {
    const bounds = traceBoundsOf(group)!;
    return [bounds.endNanos - bounds.startNanos, spanDuration(bounds.root) as bigint];
  });
  return { services: [...new Set(spans.map((s) => s.resource.serviceName))], edges, traceDurations, spanDurations: spans.map((s) => spanDuration(s) as bigint) };
}

function near(random: Random, values: readonly bigint[]): bigint {
  const base = random.pick(values) + random.pick([-1n, 0n, 0n, 1n, -1_000_000n, 1_000_000n]);
  return base < 0n ? 0n : base;
}

function randomCompare(random: Random, facts: TraceFacts, inScope: boolean): CompareExpr {
  const column = 1;
  const roll = random.next();
  if (roll < 0.3) {
    const field = random.pick(['duration', 'duration', 'responsetime'] as const);
    return { type: 'compare', column, field, op: random.pick(ORDER_OPS), value: nanos(near(random, inScope ? facts.spanDurations : facts.traceDurations)) };
  }
  if (roll < 0.45) return { type: 'compare', column, field: 'http.status', op: random.pick(ORDER_OPS), value: random.pick([200, 201, 404, 429, 450, 500, 503]) };
  // A part sees only its own of a span's children.
  if (roll < 0.5) return { type: 'compare', column, field: 'span:childCount', op: random.pick(ORDER_OPS), value: random.int(0, 3) };
  if (roll < 0.75) {
    const field: TextField = random.pick([...TEXT_FIELDS, 'service']);
    const pool: Record<TextField, readonly string[]> = {
      'http.url': [...URLS, 'stripe', '/v1/', 'x=1', 'https://'],
      'http.method': ['GET', 'POST', 'PUT'],
      'http.route': [...ROUTES, '/p', '/v1'],
      name: [...NAMES, 'GET', 'stock', 'call'],
      kind: ['server', 'client', 'internal', 'producer', 'consumer', 'serv'],
      account: [...ACCOUNTS.map((a) => a.id), ...ACCOUNTS.map((a) => a.label), '3333', 'pay'],
      status: ['unset', 'ok', 'error'],
      'status.message': ['', 'x'],
      'scope.name': ['', 'undici'],
      'scope.version': ['', '1.0'],
      service: [...SERVICES, 'pay', 'unknown_service'],
    };
    return { type: 'compare', column, field, op: random.pick(TEXT_OPS), value: random.pick(pool[field]) };
  }
  if (roll < 0.85) {
    const scope = random.pick(['span', 'resource', 'any'] as const);
    const key = random.pick(['db.system', 'db.rows', 'deployment.environment', 'service.name', 'absent'] as const);
    const value =
      random.chance(0.25) ? null : key === 'db.rows' ? random.int(0, 3) : random.pick(['redis', 'postgresql', 'prod', 'staging', 'gateway', 'checkout']);
    const op = value === null ? random.pick(['=', '!='] as const) : typeof value === 'number' ? random.pick(ORDER_OPS) : random.pick([...TEXT_OPS, '=~', '!~'] as const);
    return { type: 'compare', column, field: 'attribute', scope, key, op, value: typeof value === 'string' && op.includes('~') ? `${value.slice(0, 3)}.*` : value };
  }
  const key = random.pick(['order_id', 'retries', 'vip', 'absent'] as const);
  if (key === 'order_id' || key === 'absent') return { type: 'compare', column, field: 'annotation', key, op: random.pick(TEXT_OPS), value: random.pick(['o-1', 'o-2', 'o-3', 'o-', '2']) };
  if (key === 'retries') return { type: 'compare', column, field: 'annotation', key, op: random.pick(ORDER_OPS), value: random.int(0, 4) };
  return { type: 'compare', column, field: 'annotation', key, op: random.pick(['=', '!='] as const), value: random.chance(0.5) };
}

/** Every node type, nested: AND, OR, NOT, flags, comparisons, service() and edge() with and without bodies. */
function randomFilter(random: Random, facts: TraceFacts, depth: number, inScope: boolean): FilterExpr {
  const roll = random.next();
  if (depth < 4 && roll < 0.5) {
    if (roll < 0.15) return { type: 'not', column: 1, expr: randomFilter(random, facts, depth + 1, inScope) };
    const left = randomFilter(random, facts, depth + 1, inScope);
    const right = randomFilter(random, facts, depth + 1, inScope);
    return { type: roll < 0.33 ? 'and' : 'or', column: 1, left, right };
  }
  if (!inScope && random.chance(0.1)) return { type: 'spanSet', column: 1, body: random.chance(0.9) ? randomFilter(random, facts, depth + 2, true) : null };
  if (!inScope && random.chance(0.05)) {
    const set = (): SpanSource => ({ kind: 'spans', condition: random.chance(0.8) ? randomFilter(random, facts, depth + 2, true) : null });
    return { type: 'structure', column: 1, source: { kind: 'related', op: random.pick(STRUCTURAL_OPS), left: set(), right: set() } };
  }
  if (!inScope && random.chance(0.05)) {
    const fn = random.pick(['count', 'avg', 'max'] as const);
    return {
      type: 'pipeline',
      column: 1,
      spans: random.chance(0.8) ? randomFilter(random, facts, depth + 2, true) : null,
      by: random.chance(0.5) ? { kind: 'field', field: 'name' } : null,
      conditions: [{ column: 1, fn, of: fn === 'count' ? null : { kind: 'duration' }, op: random.pick(ORDER_OPS), value: fn === 'count' ? random.int(0, 4) : Number(random.pick(facts.spanDurations)) }],
    };
  }
  if (!inScope && random.chance(0.3)) {
    const body = random.chance(0.6) ? randomFilter(random, facts, depth + 2, true) : null;
    if (random.chance(0.5)) return { type: 'service', column: 1, service: random.chance(0.7) ? random.pick(facts.services) : random.pick(SERVICES), body };
    // A real edge of the trace, a service of the trace called from anywhere, or anything.
    const roll = random.next();
    const [from, to] =
      roll < 0.4 && facts.edges.length > 0 ? random.pick(facts.edges) : [random.pick(SERVICES), roll < 0.8 ? random.pick(facts.services) : random.pick(SERVICES)];
    return { type: 'edge', column: 1, from, to, body };
  }
  if (random.chance(0.25)) return { type: 'flag', column: 1, flag: random.pick(FLAGS) };
  if (!inScope && random.chance(0.05)) return { type: 'traceRoot', column: 1, field: random.pick(['name', 'service'] as const), op: random.pick([...TEXT_OPS, '=~', '!~'] as const), value: random.pick([...NAMES, ...SERVICES, 'GET.*']) };
  if (!inScope && random.chance(0.15)) return { type: 'traceStatus', column: 1, op: random.pick(['=', '!='] as const), value: random.pick(TRACE_STATUSES) };
  // The peers the generated calls name (from their URLs, else their span names), in any account or one.
  if (random.chance(0.1)) return { type: 'peer', column: 1, name: random.pick(PEERS), account: random.chance(0.2) ? random.pick(ACCOUNTS).id : null };
  return randomCompare(random, facts, inScope);
}

interface Case {
  trace: number;
  spans: Span[];
  parts: Span[][];
  filter: FilterExpr;
}

/** Thousands of (trace, filter) pairs, the same every run. */
function generatedCases(seed: number, traces: number, filtersPerTrace: number): Case[] {
  const random = randomSource(seed);
  const cases: Case[] = [];
  for (let i = 0; i < traces; i++) {
    const spans = randomTrace(random, i + 1);
    const parts = partsOf(spans);
    const facts = factsOf(spans);
    for (let j = 0; j < filtersPerTrace; j++) cases.push({ trace: i + 1, spans, parts, filter: randomFilter(random, facts, 0, false) });
  }
  return cases;
}

interface Outcome {
  matches: number;
  nulls: number;
  /** Non-matching traces that some part still offers as a candidate. */
  falseCandidates: number;
  nonMatching: number;
  lost: Case[];
}

function check(cases: readonly Case[], pushdown: (filter: FilterExpr) => FilterExpr | null): Outcome {
  const outcome: Outcome = { matches: 0, nulls: 0, falseCandidates: 0, nonMatching: 0, lost: [] };
  for (const c of cases) {
    const wanted = traceMatches(c.filter, c.spans);
    const pushedDown = pushdown(c.filter);
    if (pushedDown === null) outcome.nulls++;
    const candidate = pushedDown === null || c.parts.some((part) => traceMatches(pushedDown, part));
    if (wanted) {
      outcome.matches++;
      if (!candidate) outcome.lost.push(c);
    } else {
      outcome.nonMatching++;
      if (candidate) outcome.falseCandidates++;
    }
  }
  return outcome;
}

describe('pushdownFilter: no match is lost', () => {
  const cases = generatedCases(20261127, 750, 16);
  const describeCase = (c: Case) => `trace ${c.trace} (${c.parts.length} parts): ${show(c.filter)} → ${show(pushdownFilter(c.filter))}`;

  test('whenever a generated trace matches, some part satisfies the pushed filter', (t) => {
    const outcome = check(cases, pushdownFilter);
    assert.deepEqual(outcome.lost.slice(0, 5).map(describeCase), []);
    // Not vacuous: both outcomes are common, and traces really are split.
    assert.ok(outcome.matches > cases.length * 0.2 && outcome.matches < cases.length * 0.8, `${outcome.matches} of ${cases.length} match`);
    const split = cases.filter((c) => c.parts.length >= 2).length;
    assert.ok(split > cases.length * 0.7, `only ${split} of ${cases.length} traces are split`);
    const percent = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}%`;
    t.diagnostic(
      `${cases.length} pairs, ${outcome.matches} matching; pushdown null for ${percent(outcome.nulls, cases.length)}; ` +
        `of the ${outcome.nonMatching} non-matching, ${percent(outcome.falseCandidates, outcome.nonMatching)} still candidates`,
    );
  });

  test('the generator catches the naive rules', () => {
    // The whole filter on each part: split edges, long traces of short parts, ANDs across parts.
    assert.notEqual(check(cases, (filter) => filter).lost.length, 0, 'the whole filter on each part loses nothing');
    // NOT edge(a, b) pushed as NOT service(b).
    const notService = (filter: FilterExpr): FilterExpr => {
      switch (filter.type) {
        case 'and':
        case 'or':
          return { ...filter, left: notService(filter.left), right: notService(filter.right) };
        case 'not':
          return filter.expr.type === 'edge'
            ? { ...filter, expr: { type: 'service', column: 1, service: filter.expr.to, body: filter.expr.body } }
            : { ...filter, expr: notService(filter.expr) };
        default:
          return filter;
      }
    };
    assert.notEqual(check(cases, (filter) => pushdownFilter(notService(filter))).lost.length, 0, 'NOT service(b) for NOT edge loses nothing');
    // The trace's status asked of every part (as if each part's root were the trace's).
    const statusEverywhere = (filter: FilterExpr): FilterExpr | null => {
      const pushed = pushdownFilter(filter);
      const statuses: FilterExpr[] = [];
      const collect = (node: FilterExpr, negated: boolean): void => {
        if (node.type === 'traceStatus') statuses.push(negated ? { ...node, op: node.op === '=' ? '!=' : '=' } : node);
        else if (node.type === 'not') collect(node.expr, !negated);
        else if (node.type === 'and' || node.type === 'or') (collect(node.left, negated), collect(node.right, negated));
      };
      collect(filter, false);
      return statuses.reduce<FilterExpr | null>((all, status) => (all === null ? status : { type: 'and', column: 1, left: all, right: status }), pushed);
    };
    assert.notEqual(check(cases, statusEverywhere).lost.length, 0, 'the status asked of every part loses nothing');
  });
});
