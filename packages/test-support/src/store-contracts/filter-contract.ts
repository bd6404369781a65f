import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ANNOTATION_KEYS_ATTRIBUTE, makeSpan, nanos, seededRandom, spansToBatch, summarizeTrace, type Attributes, type Span } from '@stitch/model';
import { parseFilter, traceMatches } from '@stitch/query';
import type { TraceStore } from '@stitch/store';

const BASE = 1_910_000_000_000_000_000n;
const at = (ms: number) => nanos(BASE + BigInt(Math.round(ms * 1000)) * 1_000n);
const ACCOUNTS: Record<string, { id: string; label: string }> = {
  gateway: { id: '111111111111', label: 'edge' },
  checkout: { id: '222222222222', label: 'checkout' },
  payments: { id: '333333333333', label: 'payments' },
  inventory: { id: '444444444444', label: 'inventory' },
  notifications: { id: '555555555555', label: 'notifications' },
};
const SERVICES = Object.keys(ACCOUNTS);

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

/** Traces with every feature the language looks at: services in accounts, HTTP facts, outcomes, annotations, async tails, missing parents. */
function randomTrace(random: Random, index: number): Span[] {
  const traceId = `7a${index.toString(16).padStart(30, '0')}`;
  const traceStart = index * 50;
  const spans: Span[] = [];
  let counter = 0;
  const add = (parent: Span | null, service: string, startMs: number, durationMs: number): Span => {
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
    const kind = parent === null ? 'server' : random.pick(['server', 'client', 'internal', 'producer', 'consumer'] as const);
    // Calls to peers the URL does not name: a table (in its caller's account) and two ports of one host.
    if (kind === 'client' && random.chance(0.4)) {
      Object.assign(
        annotations,
        random.pick([
          { 'db.system': 'dynamodb', 'aws.dynamodb.table_names': ['orders'] },
          { 'server.address': '127.0.0.1', 'server.port': 33103 },
          { 'net.peer.name': '127.0.0.1', 'net.peer.port': 33104 },
        ]),
      );
    }
    // Stock OpenTelemetry attributes of several kinds and types, some on the resource too.
    const attributes: Attributes = { ...annotations };
    if (random.chance(0.4)) Object.assign(attributes, random.pick(STOCK_ATTRIBUTES));
    if (random.chance(0.3)) attributes['retry.count'] = random.int(0, 4);
    if (random.chance(0.2)) attributes['cache.hit'] = random.chance(0.5);
    if (random.chance(0.2)) attributes['http.request.method'] = random.pick(['get', 'POST', 'Post']);
    if (random.chance(0.1)) attributes['deployment.environment'] = 'span-level';
    if (random.chance(0.1)) attributes['tags'] = ['a', 'b'];
    // One process sets no service.name (its service came from elsewhere, as an X-Ray origin's does): resource.service.name is still its service.
    const resourceAttributes: Attributes = service === 'notifications' ? { ...RESOURCES[service] } : { 'service.name': service, ...RESOURCES[service] };
    const span = makeSpan({
      traceId,
      spanId: `${index.toString(16).padStart(8, '0')}${counter.toString(16).padStart(8, '0')}`,
      parentSpanId: parent?.spanId ?? null,
      name: random.pick(['GET /prices', 'POST /v1/place-order', 'Stripe API call', 'reserve stock', 'publish order-events', 'SELECT orders\nWHERE id = ?']),
      kind,
      // Distinct starts within a trace: the root (the earliest parentless span) is never a tie.
      startTimeUnixNano: at(traceStart + startMs + counter * 0.001),
      endTimeUnixNano: at(traceStart + startMs + counter * 0.001 + durationMs),
      status: random.chance(0.15) ? { code: 'error', message: random.pick(['', 'connection reset', 'Timeout after 30s']) } : { code: random.pick(['unset', 'unset', 'ok']), message: '' },
      http: {
        method: status === null ? null : random.pick(['GET', 'POST']),
        route: status === null ? null : random.pick(['/payments', '/prices/{sku}', '/v1/place-order']),
        url: status === null ? null : random.pick(['https://api.stripe.com/v1/charges', 'http://pricing/prices/42', 'http://checkout/v1/place-order?x=1']),
        statusCode: status,
      },
      attributes,
      resource: { serviceName: service, attributes: resourceAttributes },
      account: ACCOUNTS[service]!,
      scope: random.pick([{ name: '@opentelemetry/instrumentation-http', version: '0.57.0' }, { name: '@opentelemetry/instrumentation-pg', version: '0.50.1' }]),
      events: randomEvents(random, traceStart + startMs),
      links: random.chance(0.15) ? Array.from({ length: random.int(1, 2) }, () => random.pick(LINKS)) : [],
    });
    spans.push(span);
    return span;
  };
  const root = add(null, 'gateway', 0, random.int(5, 9000));
  const grow = (parent: Span, depth: number) => {
    const children = depth > 2 ? 0 : random.int(0, 3);
    for (let i = 0; i < children; i++) {
      const startMs = Number(parent.startTimeUnixNano - at(traceStart)) / 1e6 + random.int(0, 20);
      // Now and then a consumer that outlives the request (an async hop).
      const child = add(parent, random.pick(SERVICES), startMs, random.chance(0.1) ? 12_000 : random.int(1, 3000));
      grow(child, depth + 1);
    }
  };
  grow(root, 0);
  // Now and then the root is lost (a broken link upstream): the earliest span stands in.
  if (random.chance(0.1) && spans.length > 1) spans.shift();
  return spans;
}

/** Events as stock instrumentations record them: exceptions (recordException), logs, retries; sometimes several on one span. */
function randomEvents(random: Random, spanStartMs: number): Span['events'] {
  if (!random.chance(0.35)) return [];
  return Array.from({ length: random.int(1, 3) }, () => {
    const { name, attributes } = random.pick(EVENTS);
    // Now and then an event stamped before its span began (the clocks of a process disagree).
    return { name, timeUnixNano: at(spanStartMs + random.int(-2, 40)), attributes };
  });
}

const EVENTS: ReadonlyArray<{ name: string; attributes: Attributes }> = [
  { name: 'exception', attributes: { 'exception.type': 'TimeoutError', 'exception.message': 'deadline exceeded after 30s', 'exception.escaped': true } },
  { name: 'exception', attributes: { 'exception.type': 'ECONNRESET', 'exception.stacktrace': 'Error: read ECONNRESET\n    at TCP.onStreamRead' } },
  { name: 'cache miss', attributes: { 'cache.key': 'price:42', attempt: 2 } },
  { name: 'retry', attributes: { attempt: 1, 'retry.delay_ms': 250.5 } },
  { name: 'message', attributes: {} },
];

/** Links as batch consumers and async follow-ups make them: to spans of other traces, with attributes or none. */
const LINKS: Span['links'] = [
  { traceId: `7a${'1'.padStart(30, '0')}`, spanId: '0000000100000001', traceState: '', attributes: { 'messaging.operation': 'receive', 'batch.index': 0 } },
  { traceId: `7a${'2'.padStart(30, '0')}`, spanId: '0000000200000003', traceState: '', attributes: { 'messaging.operation': 'receive', 'batch.index': 3 } },
  { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceState: 'rojo=00f067aa0ba902b7', attributes: {} },
];

/** Attributes as stock instrumentations set them (databases, caches, messaging, RPC), of every scalar type. */
const STOCK_ATTRIBUTES: readonly Attributes[] = [
  { 'db.system': 'postgresql', 'db.name': 'orders', 'db.statement': 'SELECT * FROM orders WHERE id = $1', 'db.rows_affected': 1 },
  { 'db.system': 'redis', 'db.operation': 'GET', 'net.peer.port': 6379 },
  { 'messaging.system': 'kafka', 'messaging.destination.name': 'ride-requests', 'messaging.batch.message_count': 3 },
  { 'rpc.system': 'grpc', 'rpc.service': 'fare.Quote', 'rpc.grpc.status_code': 0 },
  { 'user.id': 'u-1842', 'enduser.role': 'Admin', 'feature.flag': true },
];
/** Each service's process, as the SDK's resource detectors describe it. */
const RESOURCES: Record<string, Attributes> = {
  gateway: { 'deployment.environment': 'prod', 'cloud.region': 'eu-west-1', 'host.cpu.count': 4 },
  checkout: { 'deployment.environment': 'prod', 'cloud.region': 'us-east-1', 'telemetry.sdk.language': 'nodejs' },
  payments: { 'deployment.environment': 'staging', 'cloud.region': 'us-east-1', 'process.runtime.name': 'java' },
  inventory: { 'cloud.region': 'eu-west-1', 'host.cpu.count': 16 },
  notifications: {},
};

const ATOMS = [
  'duration > 2', 'duration <= 500ms', 'responsetime >= 1s', 'responsetime < 100ms', 'http.status >= 500', 'http.status = 429',
  'http.status != 200', 'http.method = "POST"', 'http.url CONTAINS "/v1/"', 'http.route BEGINSWITH "/pay"', 'http.url ENDSWITH "x=1"',
  'name = "Stripe API call"', 'name CONTAINS "stock"', 'kind = "client"', 'kind != "server"', 'fault', 'error', 'throttle', 'ok',
  'account = "payments"', 'account = "444444444444"', 'account != "edge"', 'account BEGINSWITH "not"', 'annotation.order_id = "o-2"',
  'annotation.order_id CONTAINS "o-"', 'annotation.retries >= 2', 'annotation.retries = 0', 'annotation.vip = true', 'annotation.vip != true',
  'trace.status = ok', 'trace.status = error', 'trace.status = fault', 'trace.status = unknown', 'trace.status != ok', 'trace.status != unknown',
  'peer("api.stripe.com")', 'peer("pricing")', 'peer("127.0.0.1:33103")', 'peer("127.0.0.1")', 'peer("orders")', 'peer("orders", "333333333333")',
  'peer("Stripe API call")', 'peer("api.stripe.com", "")',
  // Any attribute, of the span or its resource, by type; nil; regular expressions; TraceQL's spellings.
  'db.system = "postgresql"', 'span.db.system != "redis"', '.messaging.destination.name = "ride-requests"', 'span.db.rows_affected >= 1',
  'span.net.peer.port = 6379', 'span.retry.count > 2', 'span.retry.count <= 0', 'span.cache.hit = true', 'span.cache.hit != true', 'span.feature.flag = true',
  'span.db.statement = nil', 'span.db.statement != nil', 'span.tags != nil', 'span.tags = "a"', 'resource.deployment.environment = "prod"',
  'resource.deployment.environment = nil', '.deployment.environment = "prod"', '.deployment.environment = "span-level"', 'deployment.environment != nil',
  'resource.cloud.region =~ "eu-.*"', 'resource.host.cpu.count > 8', 'resource.service.name = "payments"', 'resource.service.name = "notifications"', 'resource.service.name = nil', '.service.name =~ "pay.*|inv.*"', 'resource.service.name != "gateway"', 'resource.telemetry.sdk.language = "nodejs"',
  'span.user.id >= "u-18"', 'span.user.id < "u-1842"', '{ span.feature.flag || span.retry.count > 3 }', 'span.retry.count != minInt', '.enduser.role <= "Admin"',
  'span.enduser.role =~ "(?i)admin"', 'span.enduser.role = "admin"', 'span.rpc.service BEGINSWITH "fare."', 'span.user.id CONTAINS "18"',
  'http.url =~ "https://api\\\\.stripe\\\\.com/.*"', 'http.url !~ ".*x=1"', 'name =~ "SELECT.*"', 'name =~ "SELECT orders"', 'name =~ "(?i)get .*|post .*"',
  'http.method = "post"', 'http.method = "Post"', 'http.method =~ "P.*"', 'span.http.request.method = "Post"', 'span.http.request.method =~ "(?i)post"',
  'status = error', 'status != unset', 'span:status = ok', 'status.message CONTAINS "reset"', 'statusMessage =~ "Timeout.*"', 'status.message = ""',
  '{ }', '{ span.db.system = "postgresql" && duration > 1s }', '{ status = error && resource.deployment.environment = "staging" }',
  '{ kind = client && span.db.system != nil } && { kind = server && http.status >= 500 }', '{ span.retry.count >= 3 } || { span.cache.hit = false }',
  '!{ span.db.system = "redis" }', '{ trace:duration > 2s && .cloud.region = "eu-west-1" }', '{ span:duration < 10ms && name = "reserve stock" }',
  // Pipelines: aggregates over a span set, per trace or per group.
  'count() > 6', '{ kind = client } | count() >= 3', '{ status = error } | count() > 1', 'avg(duration) > 1s', '{ } | max(duration) < 2s',
  '{ kind = server } | min(duration) >= 500ms', '{ } | sum(span.retry.count) >= 6', '{ span.retry.count != nil } | avg(span.retry.count) < 1',
  '{ } | by(resource.service.name) | count() > 2', '{ kind = client } | by(.service.name) | count() > 1', '{ status = error } | by(name) | count() >= 2', '{ } | by(span.db.system) | count() > 1 | avg(duration) > 500ms',
  '{ } | by(.cloud.region) | sum(resource.host.cpu.count) > 40', '{ } | by(span.retry.count) | count() >= 3', '({ kind = client } | count() > 2) && { status = error }',
  'NOT ({ } | count() > 3)', '{ name = "reserve stock" } | count() = 1', '{ } | max(.host.cpu.count) = 16',
  // The root's name and service (the earliest span's while the root is lost), and the instrumentation scope.
  'trace:rootName = "GET /prices"', 'trace:rootService != "gateway"', 'rootServiceName =~ "gate.*"', 'trace:rootName CONTAINS "order"', '{ trace:rootName !~ ".*stock" && kind = client }',
  '{ instrumentation:name = "@opentelemetry/instrumentation-pg" && status = error }', 'scope.version BEGINSWITH "0.5"',
  // Ids (the generator's: trace 5 is 7a…05, its spans 00000005 0000000n).
  '{ trace:id = "7a000000000000000000000000000005" }', 'trace:id != "7a000000000000000000000000000005"', '{ span:id = "0000000500000002" }',
  '{ span:parentID = "0000000700000001" }', '{ span:parentID != "0000000700000001" && kind = client }',
  // Structure: parents, ancestors, children, descendants, siblings, their negations and unions, chained.
  '{ resource.service.name = "gateway" } >> { status = error }', '{ kind = server } > { kind = client }', '{ span.db.system != nil } < { kind = server }',
  '{ name = "Stripe API call" } << { resource.service.name = "payments" }', '{ kind = client } ~ { kind = client }', '{ } !< { resource.service.name = "inventory" }',
  '{ status = error } !< { status = error }', '{ kind = server } !> { }', '{ resource.service.name = "checkout" } !>> { status = error }',
  '{ kind = internal } !<< { }', '{ span.retry.count > 1 } !~ { }', '{ resource.service.name = "gateway" && status = error } &>> { status = error }',
  '{ kind = server } &> { span.db.system = "redis" }', '{ } &~ { name = "reserve stock" }', '{ kind = server } >> { kind = client } > { kind = server }',
  '{ resource.service.name = "gateway" } >> ({ kind = client } ~ { status = error })', '({ kind = server } &< { kind = client }) >> { http.status >= 500 }',
  // Events and links: one of a span's meets each condition.
  'event.exception.type = "TimeoutError"', 'event:name = "exception"', 'event:name != "exception"', 'event:name =~ "(?i)CACHE.*"', 'event.attempt >= 2',
  'event.attempt < 2', 'event.retry.delay_ms > 250', 'event.exception.escaped = true', 'event.exception.escaped != true', 'event.exception.message = nil',
  'event.cache.key != nil', 'event.exception.stacktrace CONTAINS "ECONNRESET"', 'event:timeSinceStart > 30ms', 'event:timeSinceStart < 1ms',
  '{ event:name = "exception" && event.exception.type != "TimeoutError" }', '{ status = error && event.exception.type = nil }',
  'link:traceID = "7a000000000000000000000000000001"', 'link:spanID = "b7ad6b7169203331"', 'link:traceID != "0af7651916cd43dd8448eb211c80319c"',
  'link.batch.index > 0', 'link.messaging.operation = "receive"', 'link.messaging.operation = nil', '{ kind = consumer && link.batch.index != nil }',
  // Children: how many spans of the trace have the span as their parent (a leaf's is 0).
  'span:childCount = 0', 'span:childCount > 2', 'span:childCount >= 1', 'span:childCount != 1', 'span:childCount < 2', 'span:childCount <= 0',
  '{ kind = server && span:childCount > 1 }', '{ resource.service.name = "gateway" && span:childCount = 0 }', '{ span:childCount > 0 } > { status = error }',
  '{ span:childCount >= 2 } | count() > 1',
];
const SPAN_ATOMS = ATOMS.filter((atom) => !atom.startsWith('responsetime') && !atom.startsWith('trace.') && !/^(trace:[r]|rootS)/.test(atom) && !/[{|]|^\(|^NOT \(|^(count|avg|min|max|sum)\(/.test(atom));

function randomExpression(random: Random, depth: number, inScope: boolean): string {
  const atoms = inScope ? SPAN_ATOMS : ATOMS;
  const roll = random.next();
  if (depth >= 3 || roll < 0.35) {
    if (!inScope && roll < 0.05) return `{ ${random.chance(0.9) ? randomExpression(random, depth + 1, true) : ''} }`;
    if (!inScope && roll < 0.1) {
      const body = random.chance(0.6) ? ` { ${randomExpression(random, depth + 1, true)} }` : '';
      return random.chance(0.5)
        ? `service("${random.pick(SERVICES)}")${body}`
        : `edge("${random.pick(SERVICES)}", "${random.pick(SERVICES)}")${body}`;
    }
    const atom = random.pick(atoms);
    // A pipeline binds loosest: beside AND and OR it is parenthesised.
    return atom.includes('|') || /^(count|avg)\(/.test(atom) ? `(${atom})` : atom;
  }
  if (roll < 0.5) return `NOT (${randomExpression(random, depth + 1, inScope)})`;
  const op = random.chance(0.5) ? 'AND' : 'OR';
  return `(${randomExpression(random, depth + 1, inScope)} ${op} ${randomExpression(random, depth + 1, inScope)})`;
}

/**
 * `check` on each item, four at a time: a search's time on a server store is mostly waiting, and
 * a reader's searches run side by side in production too.
 */
async function eachConcurrently<T>(items: readonly T[], check: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await check(items[i]!, i);
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

/** Filter expressions: every backend must agree with the reference meaning, traceMatches. */
export function runFilterContract(it: (title: string, body: (store: TraceStore) => Promise<void>) => void): void {
  describe('filter expressions', () => {
    const random = randomSource(20261126);
    const traces = Array.from({ length: 80 }, (_, i) => randomTrace(random, i + 1));
    const window = { startNanos: at(-1), endNanos: at(80 * 50 + 1) };
    const load = async (store: TraceStore) => {
      // A third of the traces arrive in two writes (their first span, later the rest), as they do when services export at different times.
      const split = (i: number, spans: readonly Span[]) => i % 3 === 0 && spans.length > 1;
      await store.writeBatch(spansToBatch(traces.flatMap((spans, i) => (split(i, spans) ? spans.slice(0, 1) : spans))));
      await store.writeBatch(spansToBatch(traces.flatMap((spans, i) => (split(i, spans) ? spans.slice(1) : []))));
    };
    const expected = (text: string) =>
      traces
        .filter((spans) => traceMatches(parseFilter(text), spans))
        .map((spans) => spans[0]!.traceId)
        .sort();
    const found = async (store: TraceStore, text: string) =>
      (await store.searchTraces({ ...window, limit: 1000, filter: parseFilter(text) })).map((t) => t.traceId).sort();

    it('every language feature matches the reference on generated traces', async (store) => {
      await load(store);
      const hand = [
        ...ATOMS,
        'service("payments")', 'service("payments") { fault }', 'service("inventory") { duration > 1 AND NOT error }',
        'edge("gateway", "payments")', 'edge("checkout", "inventory") { http.status >= 500 OR kind = "client" }',
        'NOT fault', 'NOT (annotation.order_id = "o-1")', 'duration > 8 AND service("payments") { name = "Stripe API call" }',
        // The caller saw success although a span inside failed (a retried 503), and the reverse.
        'trace.status = ok AND fault', 'trace.status = fault AND NOT service("payments") { fault }', 'NOT trace.status = ok OR duration > 8',
        'service("payments") { peer("api.stripe.com") }', 'service("checkout") { peer("orders", "222222222222") AND fault }', 'NOT peer("127.0.0.1:33104")',
      ];
      await eachConcurrently(hand, async (text) => assert.deepEqual(await found(store, text), expected(text), text));
      // The table must not pass by matching nothing (or everything).
      const sizes = hand.map((text) => expected(text).length);
      assert.ok(sizes.filter((n) => n > 0 && n < traces.length).length > hand.length * 0.7, `too many trivial expressions: ${sizes.join(',')}`);
    });

    it('random expressions match the reference, and the histogram counts every match', async (store) => {
      await load(store);
      const expressions = randomSource(7);
      const texts = Array.from({ length: 150 }, () => randomExpression(expressions, 0, false));
      await eachConcurrently(texts, async (text, i) => {
        assert.deepEqual(await found(store, text), expected(text), text);
        if (i % 10 === 0) {
          const histogram = await store.durationHistogram({ ...window, filter: parseFilter(text) });
          assert.equal(histogram.total, expected(text).length, `histogram total for ${text}`);
          assert.equal(histogram.counts.reduce((a, b) => a + b, 0), histogram.total);
        }
      });
    });

    it('each summary says what the caller saw and how many spans erred, as the reference does', async (store) => {
      await load(store);
      const summaries = await store.searchTraces({ ...window, limit: 1000 });
      const got = new Map(summaries.map((summary) => [summary.traceId, `${summary.status} ${summary.errorSpanCount}`]));
      const want = new Map(traces.map((spans) => {
        const reference = summarizeTrace(spans)!;
        return [reference.traceId, `${reference.status} ${reference.errorSpanCount}`];
      }));
      assert.deepEqual(got, want);
      // Not vacuous: every status occurs, and ok traces that contain errors too.
      const statuses = new Set([...want.values()].map((value) => value.split(' ')[0]));
      assert.deepEqual([...statuses].sort(), ['error', 'fault', 'ok', 'unknown']);
      assert.ok([...want.values()].some((value) => value.startsWith('ok ') && value !== 'ok 0'));
    });

    it('search pages through filtered matches newest first, with the other criteria applied too', async (store) => {
      await load(store);
      const text = 'NOT ok';
      const all = traces.filter((spans) => traceMatches(parseFilter(text), spans));
      const page = await store.searchTraces({ ...window, limit: 5, filter: parseFilter(text) });
      const newest = all.map((spans) => spans.reduce((min, s) => (s.startTimeUnixNano < min ? s.startTimeUnixNano : min), spans[0]!.startTimeUnixNano));
      assert.equal(page.length, 5);
      assert.deepEqual(page.map((t) => t.startTimeUnixNano), [...newest].sort((a, b) => (a > b ? -1 : 1)).slice(0, 5));
      const narrowed = await store.searchTraces({ ...window, limit: 1000, filter: parseFilter(text), serviceName: 'payments', minDurationNanos: nanos(2_000_000_000n) });
      for (const summary of narrowed) {
        assert.ok(summary.services.includes('payments') && summary.durationNanos >= 2_000_000_000n);
      }
    });

    it('hostile strings in every slot are searched literally', async (store) => {
      await load(store);
      const hostile = `x' OR '1'='1"); DROP TABLE spans; --`;
      const quoted = JSON.stringify(hostile);
      for (const text of [
        `service(${quoted}) { name = ${quoted} }`, `edge(${quoted}, ${quoted})`, `http.url CONTAINS ${quoted}`, `account = ${quoted}`,
        `annotation.order_id = ${quoted}`, `NOT http.method = ${quoted}`,
      ]) {
        assert.deepEqual(await found(store, text), expected(text), text);
      }
      assert.equal((await store.stats()).spanCount, traces.reduce((sum, spans) => sum + spans.length, 0));
    });

    it('the histogram puts each match in its duration bucket', async (store) => {
      await load(store);
      const histogram = await store.durationHistogram({ ...window, filter: parseFilter('duration >= 0') });
      assert.equal(histogram.total, traces.length);
      const expectedCounts = new Array(histogram.counts.length).fill(0);
      for (const spans of traces) {
        const start = spans.reduce((min, s) => (s.startTimeUnixNano < min ? s.startTimeUnixNano : min), spans[0]!.startTimeUnixNano);
        const end = spans.reduce((max, s) => (s.endTimeUnixNano > max ? s.endTimeUnixNano : max), spans[0]!.endTimeUnixNano);
        expectedCounts[histogram.boundsNanos.filter((bound) => bound <= end - start).length] += 1;
      }
      assert.deepEqual(histogram.counts, expectedCounts);
    });

    it('many traces are fetched at once', async (store) => {
      await load(store);
      const wanted = [traces[3]![0]!.traceId, traces[40]![0]!.traceId, 'ab'.repeat(16)];
      const got = await store.getTraces(wanted);
      assert.deepEqual([...got.keys()].sort(), wanted.slice(0, 2).sort());
      assert.equal(got.get(wanted[1]!)!.length, traces[40]!.length);
      assert.deepEqual((await store.getTraces([])).size, 0);
    });
  });
}
