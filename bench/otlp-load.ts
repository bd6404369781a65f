import { ANNOTATION_KEYS_ATTRIBUTE } from '@stitch/model';
import {
  encodeTraceRequest,
  OTLP_SPAN_KIND,
  OTLP_STATUS_CODE,
  type OtlpAnyValue,
  type OtlpKeyValue,
  type OtlpSpan,
  type OtlpTraceRequest,
} from './otlp-proto.ts';

// The load the benchmark sends: traces of the checkout product as its exporters would report
// them, 6 to 20 spans each, 10 to 20 attributes per span, starts spread over the hour before
// `anchorMs` so one-hour searches have the whole data set to look through. Everything derives
// from a seed, so two runs send the same bytes.

export const SERVICES = [
  'edge-gateway',
  'checkout-orchestrator',
  'pricing',
  'inventory',
  'payments',
  'notifications',
  'email-sender',
] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The five accounts of the product; each service reports from one of them. */
export const ACCOUNT_OF: Readonly<Record<string, string>> = {
  'edge-gateway': '111111111111',
  'checkout-orchestrator': '222222222222',
  pricing: '333333333333',
  inventory: '333333333333',
  payments: '444444444444',
  notifications: '555555555555',
  'email-sender': '555555555555',
} satisfies Record<ServiceName, string>;
const VERSION_OF: Readonly<Record<string, string>> = {
  'edge-gateway': '3.14.2',
  'checkout-orchestrator': '1.42.0',
  pricing: '2.7.1',
  inventory: '5.0.3',
  payments: '4.11.0',
  notifications: '1.9.6',
  'email-sender': '0.18.4',
} satisfies Record<ServiceName, string>;

/** Where a span's resource says it ran: the account it reports from, the version it runs. */
export interface ServiceIdentity {
  account: string;
  version: string;
}

/** The checkout's services (the mix adds its own: see mix-traces.ts). */
export function checkoutIdentity(service: string): ServiceIdentity {
  const account = ACCOUNT_OF[service];
  const version = VERSION_OF[service];
  if (account === undefined || version === undefined) throw new Error(`no account for service ${service}`);
  return { account, version };
}
const INSTANCES_PER_SERVICE = 3;
const REGION = 'eu-west-1';
const HOUR_MS = 3_600_000;

// ---------------------------------------------------------------- seeded randomness

/** sfc32: small, fast, and good enough to make realistic-looking ids and choices. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4_294_967_296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Float in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 4) {
      const value = this.nextUint32();
      for (let j = 0; j < 4 && i + j < length; j++) out[i + j] = (value >>> (8 * j)) & 0xff;
    }
    return out;
  }

  hex(length: number): string {
    return toHex(this.bytes(Math.ceil(length / 2))).slice(0, length);
  }
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

// ---------------------------------------------------------------- re-keying trace ids

// The pool of encoded payloads is sent over and over to fill the store to millions of spans.
// Each pass ("round") rewrites the first 4 bytes of every trace id in place, so every pass
// stores new traces with ids as random-looking as real ones (no shared prefix that would make
// an index or zone map look better than it is). For a given trace, the prefix is a bijection of
// the round, so rounds never collide; traces differ in bytes 4..15, so they never collide either.

/** murmur3's 32-bit finalizer: a bijection on uint32 that scatters neighbouring inputs. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

function writeUint32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}

/** Sets the round prefix of the 16-byte trace id at `offset` (bytes 4..15 stay as generated). */
export function rekeyTraceIdAt(bytes: Uint8Array, offset: number, round: number): void {
  writeUint32(bytes, offset, fmix32((round ^ readUint32(bytes, offset + 4)) >>> 0));
}

/** The id a generated trace (given as its round-0 hex id) has in `round`. */
export function traceIdInRound(baseTraceId: string, round: number): string {
  const bytes = Buffer.from(baseTraceId, 'hex');
  rekeyTraceIdAt(bytes, 0, round);
  return bytes.toString('hex');
}

/** A copy of `payload.body` whose trace ids are those of `round`. */
export function payloadForRound(payload: Pick<EncodedPayload, 'body' | 'traceIdOffsets'>, round: number): Uint8Array {
  const body = new Uint8Array(payload.body);
  if (round !== 0) for (const offset of payload.traceIdOffsets) rekeyTraceIdAt(body, offset, round);
  return body;
}

// ---------------------------------------------------------------- trace shapes

export type Attrs = Record<string, string | number | boolean | string[]>;
type Kind = keyof typeof OTLP_SPAN_KIND;

export interface GenSpan {
  service: string;
  instance: number;
  scope: string;
  spanId: Uint8Array;
  parentSpanId: Uint8Array | null;
  name: string;
  kind: Kind;
  /** Microseconds from the trace start. */
  startUs: number;
  endUs: number;
  attributes: Attrs;
  error: string | null;
  events: Array<{ atUs: number; name: string; attributes: Attrs }>;
  /** Spans of other traces this one follows from (a message consumed in a trace of its own). */
  links?: Array<{ traceId: Uint8Array; spanId: Uint8Array; attributes: Attrs }>;
}

export interface GeneratedTrace {
  traceId: string;
  traceIdBytes: Uint8Array;
  /** The checkout's kinds, or the mix's (mix-traces.ts). */
  kind: string;
  startMs: number;
  durationMs: number;
  spans: GenSpan[];
}

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15',
  'ShopApp/7.3.0 (Android 15; Pixel 8)',
  'ShopApp/7.2.9 (iOS 18.1; iPhone15,3)',
];
const SKUS = Array.from({ length: 400 }, (_, i) => `SKU-${(10_000 + i * 37).toString()}`);
const CURRENCIES = ['EUR', 'USD', 'GBP', 'SEK'];
const HOSTS: Readonly<Record<string, string>> = {
  'edge-gateway': 'shop.example.com',
  'checkout-orchestrator': 'checkout-orchestrator.internal',
  pricing: 'pricing.internal',
  inventory: 'inventory.internal',
  payments: 'payments.internal',
  notifications: 'notifications.internal',
  'email-sender': 'email-sender.internal',
} satisfies Record<ServiceName, string>;
const hostOf = (service: string) => HOSTS[service] ?? `${service}.internal`;

/** Builds one trace; spans are opened and closed along a time cursor, as the services would run. */
export class TraceBuilder {
  readonly spans: GenSpan[] = [];
  readonly customerId: string;
  readonly orderId: string;
  readonly requestId: string;

  constructor(private readonly rng: Rng) {
    this.customerId = `cus_${rng.hex(14)}`;
    this.orderId = `ord_${rng.hex(16)}`;
    this.requestId = rng.hex(32);
  }

  open(parent: GenSpan | null, service: string, scope: string, name: string, kind: Kind, startUs: number, attributes: Attrs): GenSpan {
    const span: GenSpan = {
      service,
      instance: this.rng.int(0, INSTANCES_PER_SERVICE - 1),
      scope,
      spanId: this.rng.bytes(8),
      parentSpanId: parent ? parent.spanId : null,
      name,
      kind,
      startUs: Math.round(startUs),
      endUs: Math.round(startUs),
      attributes: { 'customer.id': this.customerId, ...attributes },
      error: null,
      events: [],
    };
    this.spans.push(span);
    return span;
  }

  close(span: GenSpan, endUs: number): number {
    span.endUs = Math.max(span.startUs + 1, Math.round(endUs));
    return span.endUs;
  }

  fail(span: GenSpan, message: string, exceptionType: string): void {
    span.error = message;
    span.events.push({
      atUs: span.endUs - 1,
      name: 'exception',
      attributes: { 'exception.type': exceptionType, 'exception.message': message },
    });
  }

  /** An inbound HTTP request as instrumentation-http records it. */
  httpServer(parent: GenSpan | null, service: string, method: string, route: string, path: string, startUs: number, extra: Attrs = {}): GenSpan {
    const host = hostOf(service);
    const external = service === 'edge-gateway';
    return this.open(parent, service, '@opentelemetry/instrumentation-http', `${method} ${route}`, 'server', startUs, {
      'http.request.method': method,
      'http.route': route,
      'url.path': path,
      'url.scheme': external ? 'https' : 'http',
      'url.full': `${external ? 'https' : 'http'}://${host}${path}`,
      'server.address': host,
      'server.port': external ? 443 : 8080,
      'client.address': external ? `203.0.113.${this.rng.int(1, 254)}` : `10.20.${this.rng.int(0, 15)}.${this.rng.int(2, 254)}`,
      'user_agent.original': external ? this.rng.pick(USER_AGENTS) : 'node-fetch/3.3.2',
      'network.protocol.version': external ? '2' : '1.1',
      'http.request.body.size': method === 'GET' ? 0 : this.rng.int(80, 4_000),
      'app.request.id': this.requestId,
      ...extra,
    });
  }

  /** An outbound HTTP call to another service (or to Stripe). */
  httpClient(parent: GenSpan, service: string, method: string, url: string, startUs: number, extra: Attrs = {}): GenSpan {
    const { hostname, port, protocol } = new URL(url);
    return this.open(parent, service, '@opentelemetry/instrumentation-undici', method, 'client', startUs, {
      'http.request.method': method,
      'url.full': url,
      'server.address': hostname,
      'server.port': port === '' ? (protocol === 'https:' ? 443 : 80) : Number(port),
      'net.peer.name': hostname,
      'network.protocol.version': '1.1',
      'http.resend_count': 0,
      'app.request.id': this.requestId,
      ...extra,
    });
  }

  /** A call on the orders key-value table (DynamoDB via the AWS SDK instrumentation). */
  ordersTable(parent: GenSpan, service: ServiceName, operation: 'GetItem' | 'PutItem' | 'UpdateItem', startUs: number): GenSpan {
    const endpoint = `dynamodb.${REGION}.amazonaws.com`;
    return this.open(parent, service, '@opentelemetry/instrumentation-aws-sdk', `DynamoDB.${operation}`, 'client', startUs, {
      'db.system': 'dynamodb',
      'db.operation.name': operation,
      'db.collection.name': 'orders',
      'aws.dynamodb.table_names': ['orders'],
      'rpc.system': 'aws-api',
      'rpc.service': 'DynamoDB',
      'rpc.method': operation,
      'cloud.region': REGION,
      'server.address': endpoint,
      'net.peer.name': endpoint,
      'aws.request_id': this.rng.hex(32).toUpperCase(),
      'aws.dynamodb.consumed_capacity': `[{"TableName":"orders","CapacityUnits":${operation === 'GetItem' ? 0.5 : 1}}]`,
      'order.id': this.orderId,
    });
  }

  /** Publishing to, or processing from, the order-events topic (kafkajs instrumentation). */
  orderEvents(parent: GenSpan, service: ServiceName, operation: 'publish' | 'process', startUs: number, messageId: string): GenSpan {
    return this.open(parent, service, '@opentelemetry/instrumentation-kafkajs', `${operation} order-events`, operation === 'publish' ? 'producer' : 'consumer', startUs, {
      'messaging.system': 'kafka',
      'messaging.destination.name': 'order-events',
      'messaging.operation.type': operation,
      'messaging.operation.name': operation === 'publish' ? 'send' : 'process',
      'messaging.message.id': messageId,
      'messaging.kafka.message.key': this.orderId,
      'messaging.destination.partition.id': String(this.rng.int(0, 11)),
      'messaging.client.id': `${service}-${this.rng.int(0, INSTANCES_PER_SERVICE - 1)}`,
      'messaging.message.body.size': this.rng.int(300, 1_800),
      'server.address': `kafka-${this.rng.int(1, 3)}.internal`,
      'server.port': 9092,
      'net.peer.name': 'kafka.internal',
      'order.id': this.orderId,
      ...(operation === 'process' ? { 'messaging.consumer.group.name': 'notifications' } : {}),
    });
  }

  /** Application code instrumented by hand. */
  internal(parent: GenSpan, service: string, name: string, fn: string, startUs: number, extra: Attrs = {}): GenSpan {
    return this.open(parent, service, service, name, 'internal', startUs, {
      'code.function': fn,
      'code.namespace': `${service}.handlers`,
      'code.filepath': `/app/src/${fn.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.ts`,
      'code.lineno': this.rng.int(20, 400),
      'order.id': this.orderId,
      'app.request.id': this.requestId,
      'deployment.ring': this.rng.pick(['canary', 'main', 'main', 'main']),
      'app.region': REGION,
      'app.feature_flags': ['new-tax-engine', 'fast-checkout'],
      ...extra,
    });
  }
}

/** A service call: the caller's client span around the callee's server span. */
function call(
  t: TraceBuilder,
  rng: Rng,
  parent: GenSpan,
  from: ServiceName,
  to: ServiceName,
  method: string,
  route: string,
  path: string,
  startUs: number,
  work: (server: GenSpan, cursorUs: number) => { endUs: number; status: number },
  extra: Attrs = {},
): { client: GenSpan; server: GenSpan; endUs: number; status: number } {
  const url = `http://${hostOf(to)}:8080${path}`;
  const client = t.httpClient(parent, from, method, url, startUs, { 'peer.service': to, ...extra });
  const server = t.httpServer(client, to, method, route, path, startUs + rng.between(250, 900), extra);
  const done = work(server, server.startUs + rng.between(50, 300));
  server.attributes['http.response.status_code'] = done.status;
  server.attributes['http.response.body.size'] = rng.int(40, 6_000);
  const serverEnd = t.close(server, done.endUs + rng.between(60, 400));
  client.attributes['http.response.status_code'] = done.status;
  client.attributes['http.response.body.size'] = server.attributes['http.response.body.size']!;
  const endUs = t.close(client, serverEnd + rng.between(150, 700));
  if (done.status >= 500) t.fail(client, `${to} answered ${done.status}`, 'HTTPError');
  return { client, server, endUs, status: done.status };
}

function priceLookup(t: TraceBuilder, rng: Rng, parent: GenSpan, startUs: number, sku: string) {
  return call(t, rng, parent, 'checkout-orchestrator', 'pricing', 'GET', '/prices/{sku}', `/prices/${sku}?currency=${rng.pick(CURRENCIES)}`, startUs, (_server, cursor) => ({
    endUs: cursor + rng.between(1_500, 14_000),
    status: 200,
  }), { 'app.sku': sku });
}

function stockCall(t: TraceBuilder, rng: Rng, parent: GenSpan, startUs: number, method: 'GET' | 'POST', skus: string[], failing: boolean) {
  const route = method === 'GET' ? '/stock/{sku}' : '/reservations';
  const path = method === 'GET' ? `/stock/${skus[0]!}` : '/reservations';
  return call(t, rng, parent, 'checkout-orchestrator', 'inventory', method, route, path, startUs, (server, cursor) => {
    const work = t.internal(server, 'inventory', method === 'GET' ? 'read stock levels' : 'reserve stock', method === 'GET' ? 'readStock' : 'reserveStock', cursor, {
      'app.items.count': skus.length,
      'app.skus': skus,
      'app.warehouse': rng.pick(['DUB-1', 'AMS-2', 'FRA-1']),
    });
    const end = t.close(work, cursor + rng.between(800, 9_000));
    if (failing) t.fail(work, 'stock ledger lock timeout', 'LockTimeoutError');
    return { endUs: end, status: failing ? 503 : 200 };
  });
}

export function generateTrace(rng: Rng, anchorMs: number): GeneratedTrace {
  const traceIdBytes = rng.bytes(16);
  // Bytes 0..3 are the round-0 prefix (see rekeyTraceIdAt), so re-keyed rounds stay consistent.
  rekeyTraceIdAt(traceIdBytes, 0, 0);
  const t = new TraceBuilder(rng);
  const roll = rng.next();
  const kind = roll < 0.3 ? 'checkout' : roll < 0.35 ? 'checkout-declined' : roll < 0.7 ? 'order-lookup' : 'cart-update';
  const currency = rng.pick(CURRENCIES);

  if (kind === 'checkout' || kind === 'checkout-declined') {
    const declined = kind === 'checkout-declined';
    const skus = Array.from({ length: rng.int(1, 2) }, () => rng.pick(SKUS));
    const amount = rng.int(500, 250_000);
    const edge = t.httpServer(null, 'edge-gateway', 'POST', '/api/checkout', '/api/checkout', 0, { 'app.cart.item_count': skus.length });
    const proxied = call(t, rng, edge, 'edge-gateway', 'checkout-orchestrator', 'POST', '/checkout', '/checkout', rng.between(100, 400), (orch, cursor) => {
      orch.attributes['order.id'] = t.orderId;
      let at = cursor;
      for (const sku of skus) at = priceLookup(t, rng, orch, at + rng.between(50, 300), sku).endUs;
      const stock = stockCall(t, rng, orch, at + rng.between(50, 300), 'POST', skus, rng.chance(0.01));
      if (stock.status >= 500) return { endUs: stock.endUs + rng.between(100, 500), status: 503 };
      const charge = call(t, rng, orch, 'checkout-orchestrator', 'payments', 'POST', '/payments', '/payments', stock.endUs + rng.between(50, 300), (pay, payCursor) => {
        pay.attributes['app.amount.minor'] = amount;
        pay.attributes['app.currency'] = currency;
        // Stripe is mostly fast, sometimes very slow: the long tail a `minDuration=8s` search is for.
        const stripeMs = rng.chance(0.015) ? rng.between(8_000, 12_000) : rng.between(120, 900);
        const stripe = t.httpClient(pay, 'payments', 'POST', 'https://api.stripe.com/v1/payment_intents', payCursor, {
          'peer.service': 'stripe',
          'stripe.api_version': '2024-11-20.acacia',
          'stripe.idempotency_key': rng.hex(24),
          'http.response.status_code': declined ? 402 : 200,
          'http.response.body.size': rng.int(1_200, 3_500),
          'order.id': t.orderId,
        });
        const end = t.close(stripe, payCursor + stripeMs * 1_000);
        if (declined) t.fail(stripe, 'Your card was declined.', 'StripeCardError');
        return { endUs: end, status: declined ? 402 : 201 };
      }, { 'order.id': t.orderId });
      if (declined) {
        t.fail(charge.server, 'payment declined', 'PaymentDeclinedError');
        return { endUs: charge.endUs + rng.between(100, 600), status: 402 };
      }
      const put = t.ordersTable(orch, 'checkout-orchestrator', 'PutItem', charge.endUs + rng.between(50, 200));
      const putEnd = t.close(put, put.startUs + rng.between(3_000, 18_000));
      const messageId = rng.hex(32);
      const publish = t.orderEvents(orch, 'checkout-orchestrator', 'publish', putEnd + rng.between(50, 200), messageId);
      const publishEnd = t.close(publish, publish.startUs + rng.between(1_000, 6_000));
      // The confirmation email is sent asynchronously: it may end after the checkout answered.
      const consume = t.orderEvents(publish, 'notifications', 'process', publishEnd + rng.between(5_000, 60_000), messageId);
      const send = call(t, rng, consume, 'notifications', 'email-sender', 'POST', '/v1/send', '/v1/send', consume.startUs + rng.between(200, 800), (mail, mailCursor) => {
        const render = t.internal(mail, 'email-sender', 'render order-confirmation', 'renderTemplate', mailCursor, { 'app.template': 'order-confirmation', 'app.locale': rng.pick(['en-GB', 'de-DE', 'sv-SE', 'en-US']) });
        return { endUs: t.close(render, mailCursor + rng.between(2_000, 25_000)) + rng.between(20_000, 120_000), status: 202 };
      }, { 'order.id': t.orderId });
      t.close(consume, send.endUs + rng.between(100, 500));
      return { endUs: publishEnd + rng.between(100, 400), status: 201 };
    }, { 'order.id': t.orderId });
    edge.attributes['http.response.status_code'] = proxied.status;
    edge.attributes['http.response.body.size'] = rng.int(200, 2_000);
    t.close(edge, proxied.endUs + rng.between(100, 500));
  } else if (kind === 'order-lookup') {
    const sku = rng.pick(SKUS);
    const path = `/api/orders/${t.orderId}`;
    const edge = t.httpServer(null, 'edge-gateway', 'GET', '/api/orders/{orderId}', path, 0, { 'order.id': t.orderId });
    const proxied = call(t, rng, edge, 'edge-gateway', 'checkout-orchestrator', 'GET', '/orders/{orderId}', `/orders/${t.orderId}`, rng.between(100, 400), (orch, cursor) => {
      const get = t.ordersTable(orch, 'checkout-orchestrator', 'GetItem', cursor);
      // Now and then the table throttles and the SDK backs off: a slow lookup.
      const getEnd = t.close(get, cursor + (rng.chance(0.01) ? rng.between(900_000, 3_000_000) : rng.between(1_500, 9_000)));
      const stock = stockCall(t, rng, orch, getEnd + rng.between(50, 300), 'GET', [sku], rng.chance(0.005));
      const price = priceLookup(t, rng, orch, stock.endUs + rng.between(50, 300), sku);
      return { endUs: price.endUs + rng.between(100, 400), status: stock.status >= 500 ? 503 : 200 };
    }, { 'order.id': t.orderId });
    edge.attributes['http.response.status_code'] = proxied.status;
    edge.attributes['http.response.body.size'] = rng.int(400, 5_000);
    t.close(edge, proxied.endUs + rng.between(100, 500));
  } else {
    const sku = rng.pick(SKUS);
    const edge = t.httpServer(null, 'edge-gateway', 'POST', '/api/cart/items', '/api/cart/items', 0, { 'app.sku': sku });
    const proxied = call(t, rng, edge, 'edge-gateway', 'checkout-orchestrator', 'POST', '/cart/items', '/cart/items', rng.between(100, 400), (orch, cursor) => {
      const price = priceLookup(t, rng, orch, cursor, sku);
      const update = t.ordersTable(orch, 'checkout-orchestrator', 'UpdateItem', price.endUs + rng.between(50, 300));
      const end = t.close(update, update.startUs + rng.between(2_000, 12_000));
      return { endUs: end + rng.between(100, 400), status: 200 };
    }, { 'order.id': t.orderId });
    edge.attributes['http.response.status_code'] = proxied.status;
    edge.attributes['http.response.body.size'] = rng.int(100, 900);
    t.close(edge, proxied.endUs + rng.between(100, 500));
  }

  // The orchestrator lists the order id among its annotations (X-Ray's indexed key-values), so
  // `annotation.order.id = "…"` finds one order's trace. No random draw: the rest stays as it was.
  const orchestrator = t.spans.find((span) => span.service === 'checkout-orchestrator' && span.kind === 'server')!;
  orchestrator.attributes[ANNOTATION_KEYS_ATTRIBUTE] = ['order.id'];

  const endUs = t.spans.reduce((max, span) => Math.max(max, span.endUs), 0);
  // Starts spread over the hour before the anchor; the whole trace ends before the anchor.
  const startMs = anchorMs - endUs / 1_000 - rng.between(1_000, HOUR_MS - 60_000);
  return { traceId: toHex(traceIdBytes), traceIdBytes, kind, startMs: Math.floor(startMs), durationMs: endUs / 1_000, spans: t.spans };
}

// ---------------------------------------------------------------- to OTLP

function anyValue(value: string | number | boolean | string[]): OtlpAnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
  return { arrayValue: { values: value.map((item) => ({ stringValue: item })) } };
}

function keyValues(attributes: Attrs): OtlpKeyValue[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));
}

function resourceAttributes(service: string, identity: ServiceIdentity, instance: number): OtlpKeyValue[] {
  return keyValues({
    'service.name': service,
    'service.namespace': 'shop',
    'service.version': identity.version,
    'service.instance.id': `${service}-${['7f9c4', 'b21e0', 'c55a8'][instance]!}`,
    'deployment.environment.name': 'production',
    'host.name': `ip-10-20-${instance + 1}-${17 + instance * 11}.${REGION}.compute.internal`,
    'host.arch': 'amd64',
    'os.type': 'linux',
    'process.pid': 1 + instance,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': '20.18.1',
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.version': '2.12.0',
    'cloud.provider': 'aws',
    'cloud.platform': 'aws_ecs',
    'cloud.region': REGION,
    'cloud.account.id': identity.account,
  });
}

const NANOS_PER_MICRO = 1_000n;
const NANOS_PER_MILLI = 1_000_000n;

function toOtlpSpan(trace: GeneratedTrace, span: GenSpan): OtlpSpan {
  const base = BigInt(trace.startMs) * NANOS_PER_MILLI;
  const at = (us: number) => (base + BigInt(us) * NANOS_PER_MICRO).toString();
  const out: OtlpSpan = {
    traceId: trace.traceIdBytes,
    spanId: span.spanId,
    flags: 0x101, // sampled, and the parent (if any) is known to be local or remote per W3C flags
    name: span.name,
    kind: OTLP_SPAN_KIND[span.kind],
    startTimeUnixNano: at(span.startUs),
    endTimeUnixNano: at(span.endUs),
    attributes: keyValues(span.attributes),
    events: span.events.map((event) => ({ timeUnixNano: at(event.atUs), name: event.name, attributes: keyValues(event.attributes) })),
    status: span.error !== null ? { code: OTLP_STATUS_CODE.error, message: span.error } : { code: OTLP_STATUS_CODE.unset, message: '' },
  };
  if (span.parentSpanId) out.parentSpanId = span.parentSpanId;
  if (span.links) out.links = span.links.map((link) => ({ traceId: link.traceId, spanId: link.spanId, attributes: keyValues(link.attributes) }));
  return out;
}

/** One export request as a collector's batch processor sends it: spans grouped by resource, then scope. */
export function toTraceRequest(traces: readonly GeneratedTrace[], identityOf: (service: string) => ServiceIdentity = checkoutIdentity): OtlpTraceRequest {
  const resources = new Map<string, { service: string; instance: number; scopes: Map<string, OtlpSpan[]> }>();
  for (const trace of traces) {
    for (const span of trace.spans) {
      const key = `${span.service}#${span.instance}`;
      let resource = resources.get(key);
      if (!resource) resources.set(key, (resource = { service: span.service, instance: span.instance, scopes: new Map() }));
      let spans = resource.scopes.get(span.scope);
      if (!spans) resource.scopes.set(span.scope, (spans = []));
      spans.push(toOtlpSpan(trace, span));
    }
  }
  return {
    resourceSpans: [...resources.values()].map((resource) => {
      const identity = identityOf(resource.service);
      return {
        resource: { attributes: resourceAttributes(resource.service, identity, resource.instance) },
        scopeSpans: [...resource.scopes].map(([name, spans]) => ({ scope: { name, version: name.startsWith('@opentelemetry') ? '0.57.0' : identity.version }, spans })),
      };
    }),
  };
}

// ---------------------------------------------------------------- the payload pool

export interface EncodedPayload {
  body: Uint8Array;
  spanCount: number;
  /** Offsets in `body` of the first byte of every span's (and span link's) 16-byte trace id (for re-keying). */
  traceIdOffsets: Int32Array;
  /** Round-0 trace ids in this payload, with their span counts. */
  traces: Array<{ traceId: string; spanCount: number; startMs: number; durationMs: number }>;
}

export interface PoolOptions {
  seed: number;
  /** At least this many spans in the pool (whole traces, so a few more). */
  spans: number;
  /** Spans per export request at most (a batch never splits a trace). */
  spansPerRequest: number;
  /** Traces start in the hour before this instant (unix ms). */
  anchorMs: number;
}

export interface PayloadPool {
  payloads: EncodedPayload[];
  spanCount: number;
  traceCount: number;
  byteCount: number;
}

/**
 * Finds where each span's trace id, and then each of its links' trace ids, sits in the encoded
 * bytes: tag 0x0a, length 16, then the id, in span order (a span's field 1 comes before its links).
 */
function findTraceIdOffsets(body: Uint8Array, request: OtlpTraceRequest): Int32Array {
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const offsets: number[] = [];
  let position = 0;
  const needle = Buffer.alloc(18);
  needle[0] = 0x0a;
  needle[1] = 0x10;
  for (const resource of request.resourceSpans) {
    for (const scope of resource.scopeSpans) {
      for (const span of scope.spans) {
        for (const traceId of [span.traceId, ...(span.links ?? []).map((link) => link.traceId)]) {
          needle.set(traceId, 2);
          const found = buffer.indexOf(needle, position);
          if (found < 0) throw new Error('trace id not found in the encoded payload (encoder field order changed?)');
          offsets.push(found + 2);
          position = found + 18;
        }
      }
    }
  }
  return Int32Array.from(offsets);
}

export function encodePayload(traces: readonly GeneratedTrace[], identityOf?: (service: string) => ServiceIdentity): EncodedPayload {
  const request = toTraceRequest(traces, identityOf);
  const body = encodeTraceRequest(request);
  return {
    body,
    spanCount: traces.reduce((sum, trace) => sum + trace.spans.length, 0),
    traceIdOffsets: findTraceIdOffsets(body, request),
    traces: traces.map((trace) => ({ traceId: trace.traceId, spanCount: trace.spans.length, startMs: trace.startMs, durationMs: trace.durationMs })),
  };
}

/** Generates traces and encodes them into export requests, once, before anything is measured. */
export function buildPayloadPool(options: PoolOptions): PayloadPool {
  const rng = new Rng(options.seed);
  const payloads: EncodedPayload[] = [];
  let spanCount = 0;
  let traceCount = 0;
  let byteCount = 0;
  let batch: GeneratedTrace[] = [];
  let batchSpans = 0;
  const flush = () => {
    const payload = encodePayload(batch);
    payloads.push(payload);
    byteCount += payload.body.byteLength;
    batch = [];
    batchSpans = 0;
  };
  while (spanCount < options.spans) {
    const trace = generateTrace(rng, options.anchorMs);
    if (batchSpans > 0 && batchSpans + trace.spans.length > options.spansPerRequest) flush();
    batch.push(trace);
    batchSpans += trace.spans.length;
    spanCount += trace.spans.length;
    traceCount += 1;
  }
  if (batch.length > 0) flush();
  return { payloads, spanCount, traceCount, byteCount };
}

/** One fresh trace (new id, timestamps now) for freshness probes. */
export function freshTrace(rng: Rng, nowMs: number): { traceId: string; spanCount: number; body: Uint8Array } {
  const trace = generateTrace(rng, nowMs);
  // Shift it to have just ended, as a trace an exporter flushes right away.
  trace.startMs = Math.floor(nowMs - trace.durationMs - 5);
  const payload = encodePayload([trace]);
  return { traceId: trace.traceId, spanCount: trace.spans.length, body: payload.body };
}
