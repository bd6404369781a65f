import { context, defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { DemoServiceKey } from './services.ts';

const propagator = new W3CTraceContextPropagator();

export interface CheckoutOptions {
  /** The Stripe call's latency; the seed's tail is 8–10 s. */
  stripeMs: number;
  /** Ends the trace at this time (ms since epoch); the spans are laid out backwards from it. */
  endMs: number;
  /** 1 in N orders fail at the payment step. */
  paymentFails: boolean;
  orderId: string;
}

export interface EmittedTrace {
  traceId: string;
  durationMs: number;
}

/** Builds span timestamps on a virtual clock so a 9-second trace is emitted in microseconds. */
class Timeline {
  constructor(public now: number) {}
  advance(ms: number): number {
    this.now += ms;
    return this.now;
  }
}

/**
 * One checkout across the five accounts, exactly the seven steps of shared/PRODUCT.md. Every
 * service boundary goes through W3C trace-context headers, as separate processes would.
 */
export function emitCheckoutTrace(tracers: Record<DemoServiceKey, Tracer>, options: CheckoutOptions): EmittedTrace {
  const plannedMs = 420 + options.stripeMs;
  const clock = new Timeline(options.endMs - plannedMs);
  const start = clock.now;

  // 1. edge: load balancer → API gateway
  const edge = tracers.edge.startSpan('POST /checkout', { kind: SpanKind.SERVER, startTime: clock.now, attributes: httpServer('POST', '/checkout', 'shop.example.com') }, ROOT_CONTEXT);
  const edgeCtx = trace.setSpan(ROOT_CONTEXT, edge);

  // 2. checkout orchestrator (a function behind the gateway)
  const orchestrator = hop(tracers.edge, tracers.checkout, edgeCtx, clock, 'POST', '/orders', 'checkout.internal');
  const orchCtx = trace.setSpan(orchestrator.serverCtx, orchestrator.server);
  orchestrator.server.setAttribute('order.id', options.orderId);
  orchestrator.server.setAttribute('faas.coldstart', false);

  // 3. pricing, over a private link
  clock.advance(12);
  const pricing = hop(tracers.checkout, tracers.pricing, orchCtx, clock, 'POST', '/quotes', 'pricing.internal');
  clock.advance(35);
  pricing.end(clock, 200);

  // 4. inventory reservation
  clock.advance(4);
  const inventory = hop(tracers.checkout, tracers.inventory, orchCtx, clock, 'POST', '/reservations', 'inventory.internal');
  clock.advance(48);
  inventory.end(clock, 200);

  // 5. payments, which calls Stripe (not instrumented: only the client span exists)
  clock.advance(3);
  const payments = hop(tracers.checkout, tracers.payments, orchCtx, clock, 'POST', '/charges', 'payments.internal');
  const paymentsCtx = trace.setSpan(payments.serverCtx, payments.server);
  clock.advance(6);
  const stripe = tracers.payments.startSpan(
    'Stripe API call',
    { kind: SpanKind.CLIENT, startTime: clock.now, attributes: { ...httpClient('POST', 'https://api.stripe.com/v1/payment_intents'), 'server.address': 'api.stripe.com', 'peer.service': 'Stripe' } },
    paymentsCtx,
  );
  clock.advance(options.stripeMs);
  if (options.paymentFails) {
    stripe.setAttribute('http.response.status_code', 402);
    stripe.setStatus({ code: SpanStatusCode.ERROR, message: 'card_declined' });
    stripe.recordException({ name: 'StripeCardError', message: 'Your card was declined.' }, clock.now);
  } else {
    stripe.setAttribute('http.response.status_code', 200);
  }
  stripe.end(clock.now);
  clock.advance(4);
  payments.end(clock, options.paymentFails ? 402 : 201);

  if (!options.paymentFails) {
    // 6. the orchestrator writes the order (key-value table in the orders account) and publishes an event
    clock.advance(2);
    const put = tracers.checkout.startSpan('orders PutItem', { kind: SpanKind.CLIENT, startTime: clock.now, attributes: { 'db.system.name': 'aws.dynamodb', 'db.system': 'dynamodb', 'aws.dynamodb.table_names': ['orders'], 'db.operation.name': 'PutItem', 'cloud.account.id': '777777777777', 'order.id': options.orderId } }, orchCtx);
    clock.advance(9);
    put.end(clock.now);
    const publish = tracers.checkout.startSpan('order-events publish', { kind: SpanKind.PRODUCER, startTime: clock.now, attributes: { 'messaging.system': 'aws_sns', 'messaging.destination.name': 'order-events', 'messaging.operation.type': 'send', 'order.id': options.orderId } }, orchCtx);
    const message: Record<string, string> = {};
    propagator.inject(trace.setSpan(orchCtx, publish), message, defaultTextMapSetter);
    clock.advance(5);
    publish.end(clock.now);

    // 7. notifications: a function consumes the event and emails the customer
    const consumerParent = propagator.extract(ROOT_CONTEXT, message, defaultTextMapGetter);
    const consume = tracers.notifications.startSpan('order-events process', { kind: SpanKind.CONSUMER, startTime: clock.advance(30), attributes: { 'messaging.system': 'aws_sns', 'messaging.destination.name': 'order-events', 'messaging.operation.type': 'process' } }, consumerParent);
    const email = hop(tracers.notifications, tracers.email, trace.setSpan(consumerParent, consume), clock, 'POST', '/emails', 'email.internal');
    clock.advance(40);
    email.end(clock, 202);
    consume.end(clock.advance(2));
  }

  clock.advance(3);
  orchestrator.end(clock, options.paymentFails ? 402 : 201);
  edge.setAttribute('http.response.status_code', options.paymentFails ? 402 : 201);
  edge.end(clock.advance(2));
  return { traceId: edge.spanContext().traceId, durationMs: clock.now - start };
}

interface Hop {
  server: Span;
  serverCtx: Context;
  end(clock: Timeline, status: number): void;
}

/** A client span in the caller, headers across the wire, a server span in the callee. */
function hop(caller: Tracer, callee: Tracer, parent: Context, clock: Timeline, method: string, route: string, host: string): Hop {
  const client = caller.startSpan(`${method} ${route}`, { kind: SpanKind.CLIENT, startTime: clock.now, attributes: { ...httpClient(method, `https://${host}${route}`), 'server.address': host } }, parent);
  const headers: Record<string, string> = {};
  propagator.inject(trace.setSpan(parent, client), headers, defaultTextMapSetter);
  const serverCtx = propagator.extract(context.active(), headers, defaultTextMapGetter);
  const server = callee.startSpan(`${method} ${route}`, { kind: SpanKind.SERVER, startTime: clock.advance(1), attributes: httpServer(method, route, host) }, serverCtx);
  return {
    server,
    serverCtx,
    end(timeline, status) {
      for (const span of [server, client]) {
        span.setAttribute('http.response.status_code', status);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      }
      server.end(timeline.now);
      client.end(timeline.advance(1));
    },
  };
}

function httpServer(method: string, route: string, host: string): Attributes {
  return { 'http.request.method': method, 'http.route': route, 'url.path': route, 'url.scheme': 'https', 'server.address': host, 'user_agent.original': 'Mozilla/5.0 (demo shopper)', 'network.protocol.version': '1.1' };
}

function httpClient(method: string, url: string): Attributes {
  return { 'http.request.method': method, 'url.full': url, 'network.protocol.version': '1.1' };
}
