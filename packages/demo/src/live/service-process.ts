// One service of the live demo, run as `node --import tsx --import @stitch/sdk/auto service-process.ts`:
// HTTP in and out are traced by the SDK's instrumentation alone; the SDK's helpers add what no
// instrumentation can see (the key-value write, the pub/sub hop, calls to peers that send no spans),
// and its logger writes a few lines per request (the order placed, the call to Stripe, warnings of
// slow peers, failures), each tied to the span it was written in.
// DEMO_ROLE says which service it is; DEMO_URLS (JSON) where its downstreams listen; DEMO_SCENARIO
// which trouble to show.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { extractFromHeaders, logger, recordError, setRoute, withConsumerSpan, withProducerSpan, withSpan } from '@stitch/sdk';
import type { DemoScenario } from './scenarios.ts';

type Role = 'edge' | 'checkout' | 'pricing' | 'inventory' | 'payments' | 'notifications' | 'email';

const role = process.env.DEMO_ROLE as Role;
const urls = JSON.parse(process.env.DEMO_URLS ?? '{}') as Record<string, string>;
const scenario = (process.env.DEMO_SCENARIO ?? 'stripe-tail') as DemoScenario;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (low: number, high: number) => low + Math.random() * (high - low);
/** A peer slower than this gets a warning line: the checkout's promise is 2 s in all. */
const SLOW_PEER_MS = 2_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new HttpError(response.status >= 500 ? 502 : response.status, `${url}: ${response.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
}

/**
 * A call to a peer that sends no spans (Stripe, the warehouse API): one client span named for the
 * peer, as its SDK would record it; the fetch underneath is not traced twice. A slow answer is
 * logged as a warning inside that span ("Stripe call took 8.5 s").
 */
async function callPeer(name: string, peer: { service?: string; host: string; method: string; url: string; path: string }, body: unknown): Promise<unknown> {
  const attributes = {
    'server.address': peer.host,
    'http.request.method': peer.method,
    'url.full': `https://${peer.host}${peer.path}`,
    ...(peer.service ? { 'peer.service': peer.service } : {}),
  };
  return withSpan(
    name,
    async (span) => {
      const started = performance.now();
      const response = await context.with(suppressTracing(context.active()), () =>
        fetch(peer.url, { method: peer.method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      );
      const tookMs = performance.now() - started;
      if (tookMs > SLOW_PEER_MS) logger.warn(`${peer.service ?? peer.host} call took ${(tookMs / 1000).toFixed(1)} s`, { 'peer.service': peer.service ?? peer.host, 'duration.ms': Math.round(tookMs) });
      span.setAttribute('http.response.status_code', response.status);
      const text = await response.text();
      if (!response.ok) throw new HttpError(response.status >= 500 ? 502 : response.status, `${peer.host}: ${response.status}`);
      return text ? JSON.parse(text) : null;
    },
    { kind: SpanKind.CLIENT, attributes },
  );
}

const handlers: Record<Role, (body: Record<string, unknown>) => Promise<unknown>> = {
  // 1. the API gateway: the shopper's checkout goes to the orchestrator.
  async edge(body) {
    return post(`${urls.checkout}/orders`, { ...body, channel: 'web' });
  },

  // 2 and 6. the orchestrator: quote, reserve, charge; then write the order and publish the event.
  async checkout(body) {
    const orderId = String(body.orderId ?? `ord-${Date.now().toString(36)}`);
    trace.getActiveSpan()?.setAttribute('order.id', orderId);
    await sleep(between(5, 15));
    const quote = (await post(`${urls.pricing}/quotes`, { orderId, items: body.items ?? 2 })) as { total: number };
    await post(`${urls.inventory}/reservations`, { orderId });
    const charge = await post(`${urls.payments}/charges`, { orderId, amount: quote.total });
    await withSpan(
      'orders PutItem',
      async () => {
        await sleep(between(6, 14));
        orders.set(orderId, { total: quote.total, at: Date.now() });
      },
      { kind: SpanKind.CLIENT, attributes: { 'db.system': 'dynamodb', 'db.operation.name': 'PutItem', 'aws.dynamodb.table_names': ['orders'], 'cloud.account.id': '777777777777', 'order.id': orderId } },
    );
    await withProducerSpan({ system: 'aws_sns', destination: 'order-events' }, (headers) =>
      context.with(suppressTracing(context.active()), () => post(`${urls.broker}/publish`, { headers, message: { orderId, total: quote.total } })),
    );
    logger.info(`order ${orderId} placed: ${quote.total.toFixed(2)} USD`, { 'order.id': orderId, 'order.total': quote.total });
    return { orderId, total: quote.total, charge };
  },

  // 3. pricing, behind a private link.
  async pricing(body) {
    await sleep(between(20, 45));
    return { orderId: body.orderId, total: Math.round(between(20, 200) * 100) / 100 };
  },

  // 4. inventory: a lock, then the warehouse API (flaky in the retry-storm scenario).
  async inventory(body) {
    const contended = scenario === 'lock-contention' && Math.random() < 0.3;
    const waitMs = contended ? between(600, 1500) : between(1, 3);
    await withSpan('acquire stock lock', () => sleep(waitMs));
    if (contended) logger.warn(`waited ${Math.round(waitMs)} ms for the stock lock`, { 'order.id': String(body.orderId) });
    const attempts = scenario === 'retry-storm' ? 4 : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        await callPeer('GET /stock', { host: 'warehouse.internal', method: 'POST', url: `${urls.warehouse}/stock`, path: '/stock' }, { orderId: body.orderId, attempt });
        break;
      } catch (error) {
        if (attempt >= attempts) throw error;
        logger.warn(`warehouse API failed (attempt ${attempt} of ${attempts}), retrying`, { 'order.id': String(body.orderId), attempt });
        await sleep(50);
      }
    }
    return { orderId: body.orderId, reserved: true };
  },

  // 5. payments, calling Stripe (external, not instrumented).
  async payments(body) {
    await sleep(between(3, 8));
    logger.info('calling Stripe', { 'order.id': String(body.orderId), amount: Number(body.amount ?? 0) });
    const intent = await callPeer('Stripe API call', { service: 'Stripe', host: 'api.stripe.com', method: 'POST', url: `${urls.stripe}/v1/payment_intents`, path: '/v1/payment_intents' }, body);
    return { orderId: body.orderId, intent };
  },

  // 7. notifications consumes the event (see pollEvents) and emails the customer through the sender.
  async notifications() {
    throw new HttpError(404, 'notifications takes events from the topic, not requests');
  },

  async email(body) {
    await sleep(between(30, 50));
    return { sent: true, orderId: body.orderId };
  },
};

const orders = new Map<string, unknown>();

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function respond(res: ServerResponse, status: number, body: unknown): void {
  // The trace this request is part of, for the demo to print and the tests to look up.
  const traceId = trace.getActiveSpan()?.spanContext().traceId;
  res.writeHead(status, { 'content-type': 'application/json', ...(traceId ? { 'x-trace-id': traceId } : {}) });
  res.end(JSON.stringify(body));
}

const server = createServer((req, res) => {
  // node's http knows no routes: the SDK names the server span after this one.
  setRoute(new URL(req.url ?? '/', 'http://service').pathname);
  readJson(req)
    .then((body) => handlers[role](body))
    .then(
      (result) => respond(res, role === 'edge' || role === 'checkout' ? 201 : 200, result),
      (error: unknown) => {
        recordError(error);
        logger.error(`${req.method} ${req.url} failed: ${(error as Error).message}`, error instanceof Error ? error : undefined);
        respond(res, error instanceof HttpError ? error.status : 500, { error: (error as Error).message });
      },
    );
});

/** The notifications function: takes events from the topic, each processed in a consumer span continuing the publisher's trace. */
async function pollEvents(): Promise<void> {
  for (;;) {
    let events: Array<{ headers: Record<string, string>; message: { orderId: string } }> = [];
    try {
      const response = await context.with(suppressTracing(context.active()), () => fetch(`${urls.broker}/poll`));
      events = (await response.json()) as typeof events;
    } catch {
      await sleep(200);
      continue;
    }
    for (const event of events) {
      void withConsumerSpan({ system: 'aws_sns', destination: 'order-events' }, extractFromHeaders(event.headers), () => post(`${urls.email}/emails`, { orderId: event.message.orderId })).catch(
        () => {},
      );
    }
    if (events.length === 0) await sleep(50);
  }
}

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(`${role} listening on http://127.0.0.1:${port}`);
  if (role === 'notifications') void pollEvents();
});
