import { makeSpan, nanos, seededRandom, type Account, type Attributes, type Span, type SpanKind } from '@stitch/model';

// Test support: realistic checkout traces across five accounts, with causes of slowness to plant.

export const ACCOUNTS = {
  edge: { id: '111111111111', label: 'edge' },
  checkout: { id: '222222222222', label: 'checkout' },
  catalog: { id: '333333333333', label: 'catalog' },
  payments: { id: '444444444444', label: 'payments' },
  notifications: { id: '555555555555', label: 'notifications' },
} satisfies Record<string, Account>;

export interface PlantedCauses {
  /** payments › Stripe API call, ms range (healthy 300–900). */
  stripeMs?: readonly [number, number];
  /** inventory › GET /stock calls to a flaky warehouse API in a row, each 600–800 ms (healthy: one call of 20–40 ms). */
  stockAttempts?: number;
  /** inventory › acquire stock lock, ms (healthy 1–3). */
  stockLockMs?: number;
}

const T0 = 1_764_000_000_000n * 1_000_000n;
const MS = 1_000_000n;

/** `count` checkout traces, ~17 spans each: edge → checkout-orchestrator → pricing, inventory, payments → Stripe, an orders write, and an event consumed after the response. */
export function checkoutTraces(count: number, seed: number, causes: PlantedCauses = {}): Span[][] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => checkoutTrace(random, `${seed.toString(16).padStart(8, '0')}${i.toString(16).padStart(24, '0')}`, causes));
}

function checkoutTrace(random: () => number, traceId: string, causes: PlantedCauses): Span[] {
  const between = (from: number, to: number) => from + random() * (to - from);
  const spans: Span[] = [];
  let clock = between(0, 600_000);
  const open = (parent: Span | null, service: string, account: Account, name: string, kind: SpanKind, attributes: Attributes = {}): Span => {
    const at = nanos(T0 + BigInt(Math.round(clock * 1000)) * (MS / 1000n));
    const span = makeSpan({
      traceId,
      spanId: (spans.length + 1).toString(16).padStart(16, '0'),
      parentSpanId: parent?.spanId ?? null,
      name,
      kind,
      startTimeUnixNano: at,
      endTimeUnixNano: at,
      attributes,
      resource: { serviceName: service, attributes: { 'service.name': service } },
      account,
    });
    spans.push(span);
    return span;
  };
  const close = (span: Span, error = false): void => {
    span.endTimeUnixNano = nanos(T0 + BigInt(Math.round(clock * 1000)) * (MS / 1000n));
    if (error) span.status = { code: 'error', message: 'deadline exceeded' };
  };
  /** A client span in the caller, a server span in the callee doing `work`. */
  const hop = (parent: Span, caller: [string, Account], callee: [string, Account], name: string, host: string, work: (server: Span) => void): Span => {
    const client = open(parent, caller[0], caller[1], name, 'client', { 'server.address': host });
    clock += 1;
    const server = open(client, callee[0], callee[1], name, 'server');
    work(server);
    close(server);
    clock += 1;
    close(client);
    return client;
  };

  const edge: [string, Account] = ['edge-gateway', ACCOUNTS.edge];
  const checkout: [string, Account] = ['checkout-orchestrator', ACCOUNTS.checkout];
  const root = open(null, ...edge, 'POST /checkout', 'server');
  clock += 1;
  let publish: Span | undefined;
  hop(root, edge, checkout, 'POST /orders', 'checkout.internal', (orders) => {
    clock += 12;
    hop(orders, checkout, ['pricing', ACCOUNTS.catalog], 'POST /quotes', 'pricing.internal', () => (clock += between(25, 45)));
    clock += 4;
    hop(orders, checkout, ['inventory', ACCOUNTS.catalog], 'POST /reservations', 'inventory.internal', (reservation) => {
      const lock = open(reservation, 'inventory', ACCOUNTS.catalog, 'acquire stock lock', 'internal');
      clock += causes.stockLockMs ?? between(1, 3);
      close(lock);
      const attempts = causes.stockAttempts ?? 1;
      for (let attempt = 1; attempt <= attempts; attempt++) {
        const stock = open(reservation, 'inventory', ACCOUNTS.catalog, 'GET /stock', 'client', { 'server.address': 'warehouse.internal' });
        clock += attempts > 1 ? between(600, 800) : between(20, 40);
        close(stock, attempt < attempts);
        if (attempt < attempts) clock += 50; // back-off
      }
      clock += 5;
    });
    clock += 3;
    hop(orders, checkout, ['payments', ACCOUNTS.payments], 'POST /charges', 'payments.internal', (charge) => {
      clock += 6;
      const stripe = open(charge, 'payments', ACCOUNTS.payments, 'Stripe API call', 'client', { 'server.address': 'api.stripe.com', 'peer.service': 'Stripe' });
      clock += between(...(causes.stripeMs ?? [300, 900]));
      close(stripe);
      clock += 4;
    });
    clock += 2;
    const put = open(orders, ...checkout, 'orders PutItem', 'client', { 'db.system': 'dynamodb', 'aws.dynamodb.table_names': ['orders'], 'cloud.account.id': '777777777777' });
    clock += between(8, 12);
    close(put);
    publish = open(orders, ...checkout, 'order-events publish', 'producer', { 'messaging.destination.name': 'order-events' });
    clock += 5;
    close(publish);
    clock += 3;
  });
  clock += 2;
  close(root);

  // The consumer runs after the response went out: the trace ends after its root.
  clock += between(20, 60);
  const consume = open(publish!, 'notifications', ACCOUNTS.notifications, 'order-events process', 'consumer');
  clock += 2;
  hop(consume, ['notifications', ACCOUNTS.notifications], ['email', ACCOUNTS.notifications], 'POST /emails', 'email.internal', () => (clock += between(30, 50)));
  clock += 2;
  close(consume);
  return spans;
}
