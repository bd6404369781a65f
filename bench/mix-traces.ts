import { checkoutIdentity, generateTrace, rekeyTraceIdAt, toHex, TraceBuilder, type Attrs, type GeneratedTrace, type GenSpan, type Rng, type ServiceIdentity } from './otlp-load.ts';

// The ingest benchmark's production-shaped traffic: besides the checkout, services that call
// databases, caches and third-party APIs that send no spans (5-20 calls a request), messaging
// hops whose consumer runs in another account (in the same trace, or in its own trace linked to
// the producer), now and then a batch job's trace of 1,000-10,000 spans, and ids everywhere:
// users, sessions, requests, and URLs and statements with ids in them. Both the old and the
// current semantic-convention names occur, service by service, as in a real fleet.

export type MixKind = 'checkout' | 'database' | 'external' | 'messaging' | 'large';
export const MIX_KINDS: readonly MixKind[] = ['checkout', 'database', 'external', 'messaging', 'large'];

/** Shares of the traces (large ones aside: they come once per so many spans, see mix-pool.ts). */
export const TRACE_SHARES: Readonly<Record<Exclude<MixKind, 'large'>, number>> = { checkout: 0.35, database: 0.3, external: 0.2, messaging: 0.15 };
export const LARGE_TRACE_SPANS = { min: 1_000, max: 10_000 } as const;

/** The mix's own services, in the checkout's five accounts (otlp-load.ts's ACCOUNT_OF). */
const MIX_SERVICES: Readonly<Record<string, ServiceIdentity>> = {
  'user-profile': { account: '111111111111', version: '2.3.0' },
  'orders-api': { account: '222222222222', version: '6.1.4' },
  'ledger-reconciler': { account: '222222222222', version: '1.0.9' },
  'catalog-api': { account: '333333333333', version: '8.12.1' },
  'partner-gateway': { account: '444444444444', version: '3.0.2' },
  'billing-sync': { account: '444444444444', version: '0.9.7' },
  'fulfillment-worker': { account: '555555555555', version: '4.4.0' },
};

export function mixIdentity(service: string): ServiceIdentity {
  return MIX_SERVICES[service] ?? checkoutIdentity(service);
}

/** Hosts that send no spans: the databases, caches and APIs the services call. */
const DATABASES = {
  postgresql: { host: 'shop-db.cluster-c9x2kq.eu-west-1.rds.amazonaws.com', port: 5432, scope: '@opentelemetry/instrumentation-pg', namespace: 'shop' },
  redis: { host: 'cache-001.r7v2mq.euw1.cache.amazonaws.com', port: 6379, scope: '@opentelemetry/instrumentation-ioredis', namespace: '0' },
  mysql: { host: 'users-db.internal', port: 3306, scope: '@opentelemetry/instrumentation-mysql2', namespace: 'users' },
} as const;
type Database = keyof typeof DATABASES;
export const UNINSTRUMENTED_HOSTS: readonly string[] = [
  ...Object.values(DATABASES).map((db) => db.host),
  'api.stripe.com',
  'api.twilio.com',
  'api.sendgrid.com',
  'maps.googleapis.com',
  'api.shipengine.com',
];

/** Old names (db.statement, net.peer.*, http.url …) or the current ones (db.query.text, server.*, url.full …). */
type Conventions = 'legacy' | 'current';
const CONVENTIONS_OF: Readonly<Record<string, Conventions>> = { 'catalog-api': 'current', 'user-profile': 'legacy', 'orders-api': 'current', 'fulfillment-worker': 'legacy', 'partner-gateway': 'current', 'billing-sync': 'legacy', 'ledger-reconciler': 'current' };

const USERS = 5_000_000;
const HOUR_MS = 3_600_000;

/** What the mix adds to a request's root span: who asked, in which session. */
function requestIdentity(rng: Rng, t: TraceBuilder): Attrs {
  return { 'enduser.id': `usr_${rng.int(1, USERS)}`, 'session.id': rng.hex(32), 'http.request.header.x-request-id': t.requestId };
}

/** One statement with the ids in it, as ORMs and clients without parameters send them. */
function statementOf(rng: Rng, db: Database, user: string): { text: string; operation: string; collection: string } {
  const id = rng.int(1, 9_999_999);
  switch (db) {
    case 'postgresql':
      return rng.pick([
        { text: `SELECT id, name, price_minor FROM products WHERE id = ${id}`, operation: 'SELECT', collection: 'products' },
        { text: `SELECT * FROM reviews WHERE product_id = ${id} ORDER BY created_at DESC LIMIT 20`, operation: 'SELECT', collection: 'reviews' },
        { text: `UPDATE carts SET updated_at = now() WHERE user_id = '${user}'`, operation: 'UPDATE', collection: 'carts' },
        { text: `INSERT INTO events (id, kind, user_id) VALUES ('${rng.hex(32)}', 'view', '${user}')`, operation: 'INSERT', collection: 'events' },
      ]);
    case 'redis':
      return rng.pick([
        { text: `GET product:${id}`, operation: 'GET', collection: 'product' },
        { text: `HGETALL session:${rng.hex(24)}`, operation: 'HGETALL', collection: 'session' },
        { text: `SETEX rate:${user} 60 1`, operation: 'SETEX', collection: 'rate' },
        { text: `ZINCRBY popular 1 ${id}`, operation: 'ZINCRBY', collection: 'popular' },
      ]);
    case 'mysql':
      return rng.pick([
        { text: `SELECT * FROM users WHERE id = ${id}`, operation: 'SELECT', collection: 'users' },
        { text: `UPDATE users SET last_seen_at = NOW() WHERE id = ${id}`, operation: 'UPDATE', collection: 'users' },
        { text: `SELECT sku, qty FROM stock WHERE sku IN ('SKU-${id}', 'SKU-${id + 37}')`, operation: 'SELECT', collection: 'stock' },
      ]);
  }
}

const DB_MICROS: Record<Database, [number, number]> = { postgresql: [800, 15_000], redis: [150, 2_000], mysql: [900, 20_000] };

/** A client span to a database or cache: nothing answers it with a span of its own. */
function dbCall(t: TraceBuilder, rng: Rng, parent: GenSpan, service: string, db: Database, startUs: number): GenSpan {
  const target = DATABASES[db];
  const user = String(parent.attributes['enduser.id'] ?? t.customerId);
  const statement = statementOf(rng, db, user);
  const attributes: Attrs =
    CONVENTIONS_OF[service] === 'legacy'
      ? { 'db.system': db, 'db.statement': statement.text, 'db.name': target.namespace, 'db.operation': statement.operation, 'db.sql.table': statement.collection, 'net.peer.name': target.host, 'net.peer.port': target.port, 'db.user': `${service}-rw` }
      : { 'db.system': db, 'db.query.text': statement.text, 'db.namespace': target.namespace, 'db.operation.name': statement.operation, 'db.collection.name': statement.collection, 'server.address': target.host, 'server.port': target.port, 'network.peer.address': `10.30.${rng.int(0, 3)}.${rng.int(2, 254)}` };
  const name = db === 'redis' ? statement.operation : `${statement.operation} ${statement.collection}`;
  const span = t.open(parent, service, target.scope, name, 'client', startUs, attributes);
  const [min, max] = DB_MICROS[db];
  t.close(span, startUs + rng.between(min, max));
  if (rng.chance(0.003)) t.fail(span, 'canceling statement due to statement timeout', 'QueryFailedError');
  return span;
}

const pickDatabase = (rng: Rng): Database => {
  const roll = rng.next();
  return roll < 0.5 ? 'postgresql' : roll < 0.85 ? 'redis' : 'mysql';
};

/** Some 4xx and 5xx, as third-party APIs answer. */
function thirdPartyStatus(rng: Rng): number {
  const roll = rng.next();
  if (roll < 0.92) return rng.pick([200, 200, 200, 201]);
  if (roll < 0.97) return rng.pick([400, 404, 409, 429]);
  return rng.pick([500, 502, 503, 504]);
}

const THIRD_PARTY_CALLS: ReadonlyArray<(rng: Rng) => { method: string; url: string }> = [
  (rng) => ({ method: 'GET', url: `https://api.stripe.com/v1/customers/cus_${rng.hex(14)}` }),
  (rng) => ({ method: 'POST', url: `https://api.stripe.com/v1/refunds?payment_intent=pi_${rng.hex(24)}` }),
  (rng) => ({ method: 'POST', url: `https://api.twilio.com/2010-04-01/Accounts/AC${rng.hex(32)}/Messages.json` }),
  (rng) => ({ method: 'POST', url: 'https://api.sendgrid.com/v3/mail/send' }),
  (rng) => ({ method: 'GET', url: `https://maps.googleapis.com/maps/api/geocode/json?address=${rng.int(1, 999)}+Main+St&key=AIza${rng.hex(20)}` }),
  (rng) => ({ method: 'GET', url: `https://api.shipengine.com/v1/labels/se-${rng.int(100_000_000, 999_999_999)}/track` }),
];

/** A client span to a third-party API (nothing there sends spans), under the service's naming. */
function thirdPartyCall(t: TraceBuilder, rng: Rng, parent: GenSpan, service: string, startUs: number): GenSpan {
  const { method, url } = rng.pick(THIRD_PARTY_CALLS)(rng);
  const status = thirdPartyStatus(rng);
  const { hostname } = new URL(url);
  const span =
    CONVENTIONS_OF[service] === 'legacy'
      ? t.open(parent, service, '@opentelemetry/instrumentation-http', `HTTP ${method}`, 'client', startUs, { 'http.method': method, 'http.url': url, 'http.status_code': status, 'net.peer.name': hostname, 'net.peer.port': 443, 'http.flavor': '1.1' })
      : t.httpClient(parent, service, method, url, startUs, { 'http.response.status_code': status });
  t.close(span, startUs + (rng.chance(0.01) ? rng.between(2_000_000, 9_000_000) : rng.between(40_000, 600_000)));
  if (status >= 500 || status === 429) t.fail(span, `${hostname} answered ${status}`, 'HTTPError');
  return span;
}

/** A request that is mostly database and cache calls, one after the other. */
function databaseTrace(t: TraceBuilder, rng: Rng): void {
  const catalog = rng.chance(0.5);
  const service = catalog ? 'catalog-api' : 'user-profile';
  const id = rng.int(1, 9_999_999);
  const [route, path] = catalog ? ['/v2/products/{productId}', `/v2/products/${id}`] : ['/users/{userId}/preferences', `/users/usr_${rng.int(1, USERS)}/preferences`];
  const root = t.httpServer(null, service, 'GET', route, path, 0, requestIdentity(rng, t));
  let cursor = rng.between(100, 400);
  for (let calls = rng.int(5, 20); calls > 0; calls--) cursor = dbCall(t, rng, root, service, pickDatabase(rng), cursor + rng.between(20, 200)).endUs;
  root.attributes['http.response.status_code'] = 200;
  t.close(root, cursor + rng.between(100, 600));
}

/** A request that calls third-party APIs after a few database reads. */
function externalTrace(t: TraceBuilder, rng: Rng): void {
  const shipment = `shp_${rng.hex(16)}`;
  const root = t.httpServer(null, 'partner-gateway', 'POST', '/v1/shipments/{shipmentId}/dispatch', `/v1/shipments/${shipment}/dispatch`, 0, { ...requestIdentity(rng, t), 'app.shipment.id': shipment });
  let cursor = rng.between(100, 400);
  for (let calls = rng.int(1, 3); calls > 0; calls--) cursor = dbCall(t, rng, root, 'partner-gateway', 'postgresql', cursor + rng.between(20, 200)).endUs;
  let worst = 200;
  for (let calls = rng.int(2, 6); calls > 0; calls--) {
    const call = thirdPartyCall(t, rng, root, 'partner-gateway', cursor + rng.between(50, 300));
    worst = Math.max(worst, Number(call.attributes['http.response.status_code'] ?? 200));
    cursor = call.endUs;
  }
  root.attributes['http.response.status_code'] = worst >= 500 ? 502 : 200;
  t.close(root, cursor + rng.between(100, 600));
}

/** A message's consumer: processes it in another account, then calls its own peers. */
function consume(t: TraceBuilder, rng: Rng, parent: GenSpan | null, kafka: boolean, messageId: string, startUs: number): GenSpan {
  const service = kafka ? 'fulfillment-worker' : 'billing-sync';
  const destination = kafka ? 'order-placed' : 'invoice-requests';
  const consumer = t.open(parent, service, kafka ? '@opentelemetry/instrumentation-kafkajs' : '@opentelemetry/instrumentation-aws-sdk', `process ${destination}`, 'consumer', startUs, {
    'messaging.system': kafka ? 'kafka' : 'aws_sqs',
    'messaging.destination.name': destination,
    'messaging.operation.type': 'process',
    'messaging.message.id': messageId,
    ...(kafka ? { 'messaging.consumer.group.name': 'fulfillment', 'messaging.destination.partition.id': String(rng.int(0, 23)) } : { 'server.address': 'sqs.eu-west-1.amazonaws.com' }),
  });
  let cursor = startUs + rng.between(100, 500);
  if (kafka) for (let calls = rng.int(2, 4); calls > 0; calls--) cursor = dbCall(t, rng, consumer, service, 'mysql', cursor + rng.between(20, 200)).endUs;
  else cursor = thirdPartyCall(t, rng, consumer, service, cursor).endUs;
  t.close(consumer, cursor + rng.between(100, 400));
  return consumer;
}

/**
 * An order placed, and a message about it: the consumer is in the same trace (its parent the
 * producer span) or, 40 % of the time, in a trace of its own that links to the producer.
 */
function messagingTrace(t: TraceBuilder, rng: Rng, traceId: Uint8Array): { linked: TraceBuilder; startsAtUs: number } | null {
  const order = `ord_${rng.hex(16)}`;
  const root = t.httpServer(null, 'orders-api', 'POST', '/v1/orders', '/v1/orders', 0, { ...requestIdentity(rng, t), 'order.id': order });
  const insert = dbCall(t, rng, root, 'orders-api', 'postgresql', rng.between(100, 400));
  const kafka = rng.chance(0.7);
  const messageId = kafka ? rng.hex(32) : `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`;
  const destination = kafka ? 'order-placed' : 'invoice-requests';
  const producer = t.open(root, 'orders-api', kafka ? '@opentelemetry/instrumentation-kafkajs' : '@opentelemetry/instrumentation-aws-sdk', `send ${destination}`, 'producer', insert.endUs + rng.between(50, 200), {
    'messaging.system': kafka ? 'kafka' : 'aws_sqs',
    'messaging.destination.name': destination,
    'messaging.operation.type': 'send',
    'messaging.message.id': messageId,
    'server.address': kafka ? `kafka-${rng.int(1, 3)}.internal` : 'sqs.eu-west-1.amazonaws.com',
    'order.id': order,
  });
  const sent = t.close(producer, producer.startUs + rng.between(800, 5_000));
  root.attributes['http.response.status_code'] = 201;
  t.close(root, sent + rng.between(100, 400));
  const lagUs = rng.between(2_000, 40_000);
  if (rng.chance(0.6)) {
    consume(t, rng, producer, kafka, messageId, sent + lagUs);
    return null;
  }
  const linked = new TraceBuilder(rng);
  const consumer = consume(linked, rng, null, kafka, messageId, 0);
  consumer.links = [{ traceId, spanId: producer.spanId, attributes: { 'messaging.message.id': messageId } }];
  return { linked, startsAtUs: sent + lagUs };
}

/** A batch job's one trace: an entry span per record reconciled, each with its database calls and now and then a payment lookup. */
function largeTrace(t: TraceBuilder, rng: Rng): void {
  const run = `rec_${rng.hex(12)}`;
  const target = rng.int(LARGE_TRACE_SPANS.min, LARGE_TRACE_SPANS.max);
  const root = t.httpServer(null, 'ledger-reconciler', 'POST', '/v1/reconciliations/{runId}', `/v1/reconciliations/${run}`, 0, { 'app.reconciliation.id': run, 'app.records.target': target });
  let cursor = rng.between(200, 800);
  while (t.spans.length < target) {
    const entry = t.internal(root, 'ledger-reconciler', 'reconcile entry', 'reconcileEntry', cursor, { 'app.ledger.entry_id': `le_${rng.hex(16)}` });
    let at = entry.startUs + rng.between(20, 100);
    for (let calls = Math.min(rng.int(1, 3), target - t.spans.length); calls > 0; calls--) {
      at = (rng.chance(0.05) ? thirdPartyCall(t, rng, entry, 'ledger-reconciler', at) : dbCall(t, rng, entry, 'ledger-reconciler', 'postgresql', at)).endUs + rng.between(10, 60);
    }
    cursor = t.close(entry, at + rng.between(10, 80)) + rng.between(10, 100);
  }
  root.attributes['http.response.status_code'] = 200;
  t.close(root, cursor + rng.between(500, 3_000));
}

function newTraceId(rng: Rng): Uint8Array {
  const bytes = rng.bytes(16);
  // Bytes 0..3 are the round-0 prefix (see rekeyTraceIdAt), so re-keyed rounds stay consistent.
  rekeyTraceIdAt(bytes, 0, 0);
  return bytes;
}

function finish(t: TraceBuilder, traceIdBytes: Uint8Array, kind: MixKind, startMs: number): GeneratedTrace {
  const endUs = t.spans.reduce((max, span) => Math.max(max, span.endUs), 0);
  return { traceId: toHex(traceIdBytes), traceIdBytes, kind, startMs: Math.floor(startMs), durationMs: endUs / 1_000, spans: t.spans };
}

/** A start in the hour before the anchor, early enough for a linked consumer's trace to end before it too. */
const startInHour = (rng: Rng, anchorMs: number, durationUs: number) => anchorMs - durationUs / 1_000 - rng.between(15_000, HOUR_MS - 120_000);

/**
 * One trace of `kind` (two when a message's consumer has a trace of its own), starting in the
 * hour before `anchorMs` and ending before it.
 */
export function generateMixTraces(rng: Rng, kind: MixKind, anchorMs: number): GeneratedTrace[] {
  if (kind === 'checkout') return [{ ...generateTrace(rng, anchorMs), kind }];
  const traceIdBytes = newTraceId(rng);
  const t = new TraceBuilder(rng);
  let hop: ReturnType<typeof messagingTrace> = null;
  if (kind === 'database') databaseTrace(t, rng);
  else if (kind === 'external') externalTrace(t, rng);
  else if (kind === 'large') largeTrace(t, rng);
  else hop = messagingTrace(t, rng, traceIdBytes);
  const endUs = t.spans.reduce((max, span) => Math.max(max, span.endUs), 0);
  const trace = finish(t, traceIdBytes, kind, startInHour(rng, anchorMs, endUs));
  if (!hop) return [trace];
  // The consumer's own trace starts when the message was taken.
  return [trace, finish(hop.linked, newTraceId(rng), kind, trace.startMs + hop.startsAtUs / 1_000)];
}
