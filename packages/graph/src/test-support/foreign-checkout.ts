import { httpFactsOf, makeSpan, nanos, seededRandom, type Account, type Attributes, type Span, type SpanKind } from '@stitch/model';

// Test support: a checkout made the way stock OpenTelemetry SDKs make spans (not @stitch/sdk), so the
// diagnosis is held to data it did not generate. Old and new semantic-convention names side by side,
// one hop without client spans (orders' server span parents inventory's), retries inside requests
// that succeed, a caller sending context whose span never arrives, and each service's clock skewed
// by up to ±200 ms. Causes of slowness are planted into a chosen set of traces.

export const SHOP_ACCOUNTS = {
  edge: { id: '100000000001', label: 'edge' },
  shop: { id: '200000000002', label: 'shop' },
  pay: { id: '300000000003', label: 'pay' },
} satisfies Record<string, Account>;

export type PlantedCause = 'slow-db' | 'slow-api' | 'retry-storm' | 'context-break' | 'context-lost-inside';

export interface ForeignCheckoutOptions {
  count: number;
  seed: number;
  /** Which traces (by index) carry the cause; none by default. */
  cause?: { kind: PlantedCause; traces: (index: number) => boolean };
  /** Traces (by index) whose payments spans have not arrived yet. */
  arriving?: (index: number) => boolean;
  /** Every fifth request from a canary that sends context but reports no spans; true by default. */
  canary?: boolean;
}

/** The operations each planted cause shows up as, for tests to name. */
export const CAUSE_OPERATIONS: Record<PlantedCause, { service: string; operation: string }> = {
  'slow-db': { service: 'orders', operation: 'SELECT shop.orders' },
  'slow-api': { service: 'payments', operation: 'POST' },
  'retry-storm': { service: 'inventory', operation: 'GET' },
  'context-break': { service: 'orders', operation: 'POST' },
  'context-lost-inside': { service: 'inventory', operation: 'GET' },
};

const T0 = 1_765_000_000_000n * 1_000_000n;
const MS = 1_000_000n;
/** Traces start this far apart. */
export const FOREIGN_TRACE_SPACING_MS = 100;

const SERVICES = ['edge-gateway', 'orders', 'inventory', 'payments', 'notifications'] as const;
type Service = (typeof SERVICES)[number];
const ACCOUNT_OF: Record<Service, Account> = {
  'edge-gateway': SHOP_ACCOUNTS.edge,
  orders: SHOP_ACCOUNTS.shop,
  inventory: SHOP_ACCOUNTS.shop,
  notifications: SHOP_ACCOUNTS.shop,
  payments: SHOP_ACCOUNTS.pay,
};

export interface ForeignCheckout {
  /** Every trace id's spans as the store would hold them; a context break adds the callee's own traces. */
  traces: Span[][];
  /** The index (in `options`) each trace of `traces` was generated for. */
  indexOf: Map<string, number>;
  /** When the last trace's last span ended. */
  endNanos: bigint;
}

/** `count` checkout traces, 10 a second, deterministic for a seed. */
export function foreignCheckout(options: ForeignCheckoutOptions): ForeignCheckout {
  const random = seededRandom(options.seed);
  const between = (from: number, to: number) => from + random() * (to - from);
  // One skew per service for the whole run, as a host's clock would be.
  const skewMs = Object.fromEntries(SERVICES.map((s) => [s, s === 'edge-gateway' ? 0 : between(-200, 200)])) as Record<Service, number>;
  const traces: Span[][] = [];
  const indexOf = new Map<string, number>();
  let endNanos = T0;
  let ids = 0;
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

  for (let index = 0; index < options.count; index++) {
    const planted = options.cause?.traces(index) ? options.cause.kind : null;
    const traceId = `${hex(options.seed, 8)}${hex(index, 24)}`;
    const spans: Span[] = [];
    let clock = index * FOREIGN_TRACE_SPACING_MS;
    const at = (service: Service) => nanos(T0 + BigInt(Math.round((clock + skewMs[service]) * 1000)) * (MS / 1000n));
    const open = (parent: Span | null, service: Service, name: string, kind: SpanKind, attributes: Attributes = {}, trace = traceId): Span => {
      const span = makeSpan({
        traceId: trace,
        spanId: hex(++ids, 16),
        parentSpanId: parent?.spanId ?? null,
        name,
        kind,
        startTimeUnixNano: at(service),
        endTimeUnixNano: at(service),
        attributes,
        http: httpFactsOf(attributes),
        resource: { serviceName: service, attributes: { 'service.name': service, 'cloud.account.id': ACCOUNT_OF[service].id, 'telemetry.sdk.name': 'opentelemetry' } },
        scope: { name: '@opentelemetry/instrumentation-http', version: '0.52.0' },
        account: ACCOUNT_OF[service],
      });
      spans.push(span);
      return span;
    };
    const close = (span: Span, service: Service, status?: number): void => {
      span.endTimeUnixNano = at(service);
      if (status !== undefined) {
        const key = 'http.method' in span.attributes ? 'http.status_code' : 'http.response.status_code';
        span.attributes = { ...span.attributes, [key]: status };
        span.http = httpFactsOf(span.attributes);
        if (status >= 500) span.status = { code: 'error', message: '' };
      }
    };

    // Edge: old semantic conventions (http.method, http.target). Every fifth request comes from a canary
    // that sends context, its own span never reported.
    const canary = (options.canary ?? true) && index % 5 === 0 ? { parentSpanId: hex(0xca0000 + index, 16) } : null;
    const root = open(null, 'edge-gateway', 'POST /checkout', 'server', { 'http.method': 'POST', 'http.target': '/checkout', 'http.route': '/checkout' });
    if (canary) root.parentSpanId = canary.parentSpanId;
    clock += between(1, 3);
    const toOrders = open(root, 'edge-gateway', 'POST', 'client', { 'http.method': 'POST', 'http.url': 'http://orders.shop.internal:8080/orders', 'net.peer.name': 'orders.shop.internal', 'net.peer.port': 8080 });
    clock += 1;
    // Orders and the rest: current semantic conventions.
    const orders = open(toOrders, 'orders', 'POST /orders', 'server', { 'http.request.method': 'POST', 'url.path': '/orders', 'http.route': '/orders' });
    clock += between(2, 4);

    const query = open(orders, 'orders', 'SELECT shop.orders', 'client', { 'db.system': 'postgresql', 'db.name': 'shop', 'db.sql.table': 'orders', 'net.peer.name': 'pg.shop.internal' });
    clock += planted === 'slow-db' ? between(1500, 2500) : between(3, 8);
    close(query, 'orders');
    clock += 1;

    // No client span on this hop: inventory's server span is a child of orders' server span.
    const stock = open(orders, 'inventory', 'GET /stock/{sku}', 'server', { 'http.request.method': 'GET', 'url.path': `/stock/${index % 40}`, 'http.route': '/stock/{sku}' });
    clock += 1;
    // The warehouse API (uninstrumented) answers 503 now and then; inventory retries until it gets a 200.
    const healthyRetries = random() < 0.1 ? 2 : random() < 0.2 ? 1 : 0;
    const attempts = planted === 'retry-storm' ? 5 + Math.floor(random() * 2) : 1 + healthyRetries;
    const lostTraces: Span[][] = [];
    for (let attempt = 1; attempt <= attempts; attempt++) {
      // Context lost inside inventory (a thread pool without context): the call begins a trace of its own, and is slow.
      const lost = planted === 'context-lost-inside' ? `10570000${hex(options.seed, 4)}${hex(index * 8 + attempt, 20)}` : null;
      const call = open(lost ? null : stock, 'inventory', 'GET', 'client', { 'http.request.method': 'GET', 'url.full': `http://10.0.0.7:9000/stock/${index % 40}`, 'server.address': '10.0.0.7', 'server.port': 9000 }, lost ?? traceId);
      if (lost) lostTraces.push(spans.splice(spans.indexOf(call), 1));
      clock += planted === 'retry-storm' ? between(300, 500) : planted === 'context-lost-inside' ? between(1500, 2500) : between(10, 25);
      close(call, 'inventory', attempt < attempts ? 503 : 200);
      if (attempt < attempts) clock += 20;
    }
    clock += 1;
    close(stock, 'inventory', 200);
    clock += 1;

    const toPayments = open(orders, 'orders', 'POST', 'client', { 'http.request.method': 'POST', 'url.full': 'http://payments.pay.internal:8080/charges', 'server.address': 'payments.pay.internal', 'server.port': 8080 });
    clock += 1;
    const paymentsSpans: Span[] = [];
    {
      const before = spans.length;
      // A context break: payments' new version starts a trace of its own (and is slow).
      const brokenTrace = planted === 'context-break' ? `beef${hex(options.seed, 4)}${hex(index, 24)}` : traceId;
      const charge = open(planted === 'context-break' ? null : toPayments, 'payments', 'POST /charges', 'server', { 'http.request.method': 'POST', 'url.path': '/charges', 'http.route': '/charges' }, brokenTrace);
      clock += 2;
      if (planted === 'context-break') {
        const fraud = open(charge, 'payments', 'fraud check', 'internal', {}, brokenTrace);
        clock += between(1500, 2500);
        close(fraud, 'payments');
      }
      const stripe = open(charge, 'payments', 'POST', 'client', { 'http.request.method': 'POST', 'url.full': 'https://api.stripe.com/v1/charges', 'server.address': 'api.stripe.com', 'server.port': 443, 'peer.service': 'Stripe' }, brokenTrace);
      clock += planted === 'slow-api' ? between(6000, 9000) : between(150, 400);
      close(stripe, 'payments', 200);
      clock += 2;
      close(charge, 'payments', 200);
      paymentsSpans.push(...spans.splice(before));
    }
    clock += 1;
    close(toPayments, 'orders', 200);

    const publish = open(orders, 'orders', 'order-events publish', 'producer', { 'messaging.system': 'kafka', 'messaging.destination.name': 'order-events' });
    clock += 2;
    close(publish, 'orders');
    clock += 1;
    close(orders, 'orders', 200);
    clock += 1;
    close(toOrders, 'edge-gateway', 200);
    clock += 1;
    close(root, 'edge-gateway', 200);
    // The consumer, a child of the producer, runs after the response went out (old attribute name).
    clock += between(5, 30);
    const consume = open(publish, 'notifications', 'order-events process', 'consumer', { 'messaging.system': 'kafka', 'messaging.destination': 'order-events' });
    clock += between(5, 15);
    close(consume, 'notifications');

    const arriving = options.arriving?.(index) ?? false;
    traces.push(...lostTraces);
    if (planted === 'context-break') traces.push(paymentsSpans);
    else if (!arriving) spans.push(...paymentsSpans);
    traces.push(spans);
    for (const trace of [spans, paymentsSpans, ...lostTraces]) if (trace[0]) indexOf.set(trace[0].traceId, index);
    for (const span of [...spans, ...paymentsSpans]) if (span.endTimeUnixNano > endNanos) endNanos = span.endTimeUnixNano;
  }
  return { traces, indexOf, endNanos };
}

/** Earliest start to latest end, as search's `duration` reads a trace. */
export function traceDurationMs(spans: readonly Span[]): number {
  let start = spans[0]!.startTimeUnixNano;
  let end = spans[0]!.endTimeUnixNano;
  for (const span of spans) {
    if (span.startTimeUnixNano < start) start = span.startTimeUnixNano;
    if (span.endTimeUnixNano > end) end = span.endTimeUnixNano;
  }
  return Number(end - start) / 1e6;
}
