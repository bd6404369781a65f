// A second ground-truth topology, unlike the ride-hailing one, so the truth suites are not built
// for one test: an online shop across seven accounts. An API gateway invokes a Lambda function
// (server → server; the function's X-Ray segments carry AWS::Lambda::Function); the function calls
// orders over HTTP; orders calls inventory and payments over gRPC (old `net.peer.name` and new
// `server.address` names), writes to PostgreSQL (old database names) and queues an SQS message;
// inventory reads MongoDB (new names: db.system.name, db.collection.name, db.namespace); payments
// calls an uninstrumented fraud scorer (a client span, no spans back) and an external API with
// `peer.service`, retried after 503s inside charges that succeed; a shipper consumes each message
// as its child and calls two HTTP peers on one host; analytics consumes in batches, by span links
// only. Planted: inventory's Reserve made slow by lock contention in its own handler (no child
// span), and orders losing the context inside its own service on the way to inventory (a worker
// pool that starts a new trace). Pure: no I/O, seeded.
import { corpusBuilder } from './corpus-builder.ts';
import type { Corpus, CorpusOptions, CorpusScenario, PlantedCause } from './corpus.ts';
import { httpStatusOf } from './ride-hailing.ts';

const RESERVE = 'shop.inventory.v1.Inventory/Reserve';
const CHARGE = 'shop.payments.v1.Payments/Charge';

export function onlineShopCorpus(options: CorpusOptions): Corpus {
  // The function's segments share the gateway's trace.
  const { random, between, spanId, traceIdAt, account, span, spans } = corpusBuilder(options.seed);
  const accounts = {
    edge: account('410000000001', 'shop-edge'),
    orders: account('420000000002', 'shop-orders'),
    inventory: account('430000000003', 'shop-inventory'),
    payments: account('440000000004', 'shop-payments'),
    fulfilment: account('450000000005', 'shop-fulfilment'),
    analytics: account('460000000006', 'shop-analytics'),
    synthetic: account('470000000007', 'shop-synthetic'),
  };
  const slowReserve: PlantedCause = { name: 'reserve-lock-contention', service: 'inventory', operation: RESERVE, traceIds: new Set() };
  const adyenRetries: PlantedCause = { name: 'adyen-retries', service: 'payments', operation: 'POST', traceIds: new Set() };

  const windowMs = options.minutes * 60_000;
  const requests = Math.round(options.requestsPerSecond * options.minutes * 60);
  const producers: Array<{ traceId: string; spanId: string; atNs: number }> = [];
  let outsideRequests = 0;
  let canaryRequests = 0;
  for (let i = 0; i < requests; i++) {
    const atMs = options.startMs + random() * windowMs;
    const traceId = traceIdAt(atMs);
    const roll = random();
    // What the shopper sees: mostly placed, some out of stock (422), a few failed charges (500).
    const outOfStock = roll < 0.02;
    const chargeFails = !outOfStock && roll < 0.03;
    const status = outOfStock ? 422 : chargeFails ? 500 : 201;
    const fromCanary = random() < 0.12;
    const slowReserveLock = random() < 0.06;
    const dropsContext = !slowReserveLock && random() < 0.05;
    const retriesAdyen = !outOfStock && random() < 0.1;

    // The true timeline, outside in: gateway ⊃ function ⊃ its call to orders ⊃ orders' request.
    const gatewayStart = atMs * 1e6;
    const functionStart = gatewayStart + between(0.5, 1.5) * 1e6;
    const callStart = functionStart + between(2, 6) * 1e6; // a cold start now and then is no cause
    const ordersStart = callStart + between(0.5, 1.5) * 1e6;
    let cursor = ordersStart + between(0.3, 1) * 1e6;
    const ordersId = spanId();
    const later: Array<() => void> = [];

    // 1. Reserve the items: gRPC to inventory (old names). Lock contention in inventory's handler
    //    when planted; without its context when orders' worker pool drops it.
    {
      const callId = spanId();
      const start = cursor;
      const serverStart = start + between(0.3, 0.8) * 1e6;
      const lockMs = slowReserveLock ? between(550, 850) : between(1, 4);
      const mongoStart = serverStart + lockMs * 1e6;
      const mongoEnd = mongoStart + between(2, 6) * 1e6;
      const serverEnd = mongoEnd + between(0.5, 1.5) * 1e6;
      const end = serverEnd + between(0.3, 0.8) * 1e6;
      cursor = end + 0.2e6;
      const reserveTrace = dropsContext ? traceIdAt(start / 1e6) : traceId;
      if (slowReserveLock) slowReserve.traceIds.add(traceId);
      const grpcCode = outOfStock ? 9 : 0; // FAILED_PRECONDITION: out of stock, an answer, not a fault
      later.push(() => {
        span(
          {
            traceId: reserveTrace, spanId: callId, parentSpanId: dropsContext ? null : ordersId, account: accounts.orders, service: 'orders', kind: 'client', name: RESERVE, emitter: 'otel',
            attributes: { 'rpc.system': 'grpc', 'rpc.service': 'shop.inventory.v1.Inventory', 'rpc.method': 'Reserve', 'rpc.grpc.status_code': grpcCode, 'net.peer.name': 'inventory.shop.internal', 'net.peer.port': 50051 },
            callee: { type: 'service', account: accounts.inventory.id, service: 'inventory' },
            contextDropped: dropsContext,
          },
          start,
          end,
        );
        const serverId = spanId();
        span(
          {
            traceId: reserveTrace, spanId: serverId, parentSpanId: callId, account: accounts.inventory, service: 'inventory', kind: 'server', name: RESERVE, emitter: 'otel',
            attributes: { 'rpc.system': 'grpc', 'rpc.service': 'shop.inventory.v1.Inventory', 'rpc.method': 'Reserve', 'rpc.grpc.status_code': grpcCode, 'net.host.name': 'inventory.shop.internal', 'net.host.port': 50051 },
          },
          serverStart,
          serverEnd,
        );
        span(
          {
            traceId: reserveTrace, spanId: spanId(), parentSpanId: serverId, account: accounts.inventory, service: 'inventory', kind: 'client', name: 'find stock', emitter: 'otel',
            attributes: { 'db.system.name': 'mongodb', 'db.namespace': 'inventory', 'db.collection.name': 'stock', 'db.operation.name': 'find', 'server.address': 'mongo.inventory.internal', 'server.port': 27017 },
            callee: { type: 'database', account: accounts.inventory.id, table: 'stock' },
          },
          mongoStart,
          mongoEnd,
        );
      });
    }

    if (!outOfStock) {
      // 2. The order row (old database names).
      {
        const start = cursor;
        const end = start + between(1, 5) * 1e6;
        cursor = end + 0.2e6;
        later.push(() =>
          span(
            {
              traceId, spanId: spanId(), parentSpanId: ordersId, account: accounts.orders, service: 'orders', kind: 'client', name: 'INSERT orders', emitter: 'otel',
              attributes: { 'db.system': 'postgresql', 'db.name': 'shop', 'db.sql.table': 'orders', 'db.statement': 'INSERT INTO orders VALUES ($1, $2, $3)', 'net.peer.name': 'pg.orders.internal', 'net.peer.port': 5432 },
              callee: { type: 'database', account: accounts.orders.id, table: 'orders' },
            },
            start,
            end,
          ),
        );
      }

      // 3. The charge: gRPC to payments (new names); payments asks the uninstrumented fraud
      //    scorer, then Adyen (peer.service), retried after 503s when planted.
      {
        const callId = spanId();
        const start = cursor;
        const serverStart = start + between(0.3, 0.8) * 1e6;
        let inner = serverStart + between(0.2, 0.6) * 1e6;
        const fraudStart = inner;
        const fraudEnd = fraudStart + between(5, 15) * 1e6;
        inner = fraudEnd + 0.3e6;
        const attempts: Array<{ start: number; end: number; failed: boolean }> = [];
        const tries = retriesAdyen ? 3 : 1;
        for (let attempt = 1; attempt <= tries; attempt++) {
          const failed = attempt < tries;
          const attemptStart = inner;
          const attemptEnd = attemptStart + (failed ? between(10, 30) : between(40, 120)) * 1e6;
          attempts.push({ start: attemptStart, end: attemptEnd, failed });
          inner = attemptEnd + (failed ? 40e6 : 0.3e6);
        }
        const serverEnd = inner + between(0.3, 1) * 1e6;
        const end = serverEnd + between(0.3, 0.8) * 1e6;
        cursor = end + 0.2e6;
        if (retriesAdyen) adyenRetries.traceIds.add(traceId);
        const grpcCode = chargeFails ? 13 : 0; // INTERNAL
        later.push(() => {
          span(
            {
              traceId, spanId: callId, parentSpanId: ordersId, account: accounts.orders, service: 'orders', kind: 'client', name: CHARGE, emitter: 'otel',
              attributes: { 'rpc.system': 'grpc', 'rpc.service': 'shop.payments.v1.Payments', 'rpc.method': 'Charge', 'rpc.grpc.status_code': grpcCode, 'server.address': 'payments.shop.internal', 'server.port': 50051 },
              error: chargeFails,
              callee: { type: 'service', account: accounts.payments.id, service: 'payments' },
            },
            start,
            end,
          );
          const serverId = spanId();
          span(
            {
              traceId, spanId: serverId, parentSpanId: callId, account: accounts.payments, service: 'payments', kind: 'server', name: CHARGE, emitter: 'otel',
              attributes: { 'rpc.system': 'grpc', 'rpc.service': 'shop.payments.v1.Payments', 'rpc.method': 'Charge', 'rpc.grpc.status_code': grpcCode, 'server.address': 'payments.shop.internal', 'server.port': 50051 },
              error: chargeFails,
            },
            serverStart,
            serverEnd,
          );
          // The uninstrumented hop: whoever answers sends no spans, so its address is all there is of it.
          span(
            {
              traceId, spanId: spanId(), parentSpanId: serverId, account: accounts.payments, service: 'payments', kind: 'client', name: 'POST', emitter: 'otel',
              attributes: { 'http.request.method': 'POST', 'url.full': 'http://10.20.0.7:8443/score', 'server.address': '10.20.0.7', 'server.port': 8443, 'http.response.status_code': 200 },
              callee: { type: 'http', host: '10.20.0.7', port: 8443, peerService: null },
            },
            fraudStart,
            fraudEnd,
          );
          attempts.forEach(({ start: attemptStart, end: attemptEnd, failed }, index) => {
            const lastFails = chargeFails && index === attempts.length - 1;
            const code = failed ? 503 : lastFails ? 502 : 200;
            span(
              {
                traceId, spanId: spanId(), parentSpanId: serverId, account: accounts.payments, service: 'payments', kind: 'client', name: 'POST', emitter: 'otel',
                attributes: { 'http.request.method': 'POST', 'url.full': 'https://checkout.adyen.example/v71/payments', 'server.address': 'checkout.adyen.example', 'peer.service': 'Adyen', 'http.response.status_code': code },
                error: code >= 500,
                callee: { type: 'http', host: 'checkout.adyen.example', port: null, peerService: 'Adyen' },
              },
              attemptStart,
              attemptEnd,
            );
          });
        });
      }
    }

    // 4. The order event, sent to SQS (old messaging names) when the order was placed; the
    //    shipper handles each message as its child, calling a label printer and a slot API on one host.
    if (status === 201) {
      const producerId = spanId();
      const start = cursor;
      const end = start + between(2, 6) * 1e6;
      cursor = end + 0.2e6;
      producers.push({ traceId, spanId: producerId, atNs: end });
      later.push(() => {
        span(
          {
            traceId, spanId: producerId, parentSpanId: ordersId, account: accounts.orders, service: 'orders', kind: 'producer', name: 'order-events send', emitter: 'otel',
            attributes: { 'messaging.system': 'aws_sqs', 'messaging.destination': 'order-events', 'messaging.destination_kind': 'queue', 'messaging.operation': 'send', 'net.peer.name': 'sqs.eu-west-1.amazonaws.com' },
            callee: { type: 'queue', account: accounts.orders.id, topic: 'order-events' },
          },
          start,
          end,
        );
        const consumeStart = end + between(20, 200) * 1e6;
        const labelStart = consumeStart + 0.5e6;
        const labelEnd = labelStart + between(10, 30) * 1e6;
        const labelFault = random() < 0.2;
        const slotStart = labelEnd + 0.3e6;
        const slotEnd = slotStart + between(3, 9) * 1e6;
        const consumeEnd = slotEnd + 0.5e6;
        const consumerId = spanId();
        span(
          {
            traceId, spanId: consumerId, parentSpanId: producerId, account: accounts.fulfilment, service: 'shipper', kind: 'consumer', name: 'order-events process', emitter: 'otel',
            attributes: { 'messaging.system': 'aws_sqs', 'messaging.destination': 'order-events', 'messaging.operation': 'process' },
          },
          consumeStart,
          consumeEnd,
        );
        span(
          {
            traceId, spanId: spanId(), parentSpanId: consumerId, account: accounts.fulfilment, service: 'shipper', kind: 'client', name: 'POST', emitter: 'otel',
            attributes: { 'http.method': 'POST', 'http.url': 'http://warehouse.local:8001/labels', 'net.peer.name': 'warehouse.local', 'net.peer.port': 8001, 'http.status_code': labelFault ? 503 : 201 },
            error: labelFault,
            callee: { type: 'http', host: 'warehouse.local', port: 8001, peerService: null },
          },
          labelStart,
          labelEnd,
        );
        span(
          {
            traceId, spanId: spanId(), parentSpanId: consumerId, account: accounts.fulfilment, service: 'shipper', kind: 'client', name: 'GET', emitter: 'otel',
            attributes: { 'http.method': 'GET', 'http.url': 'http://warehouse.local:8002/slots?day=today', 'net.peer.name': 'warehouse.local', 'net.peer.port': 8002, 'http.status_code': 200 },
            callee: { type: 'http', host: 'warehouse.local', port: 8002, peerService: null },
          },
          slotStart,
          slotEnd,
        );
      });
    }

    const ordersEnd = cursor + between(0.3, 1) * 1e6;
    const callEnd = ordersEnd + between(0.5, 1.5) * 1e6;
    const functionEnd = callEnd + between(1, 3) * 1e6;
    const gatewayEnd = functionEnd + between(0.5, 1.5) * 1e6;
    const gatewayId = spanId();
    const functionId = spanId();
    const callId = spanId();

    // orders (old HTTP names), called by the function's remote subsegment.
    span(
      {
        traceId, spanId: ordersId, parentSpanId: callId, account: accounts.orders, service: 'orders', kind: 'server', name: 'POST /orders', emitter: 'otel',
        attributes: { 'http.method': 'POST', 'http.target': '/orders', 'http.route': '/orders', 'http.status_code': status, 'net.host.name': 'orders.shop.internal', 'net.host.port': 8080 },
        error: status >= 500,
      },
      ordersStart,
      ordersEnd,
    );
    for (const add of later) add();

    // The Lambda function, invoked by the gateway (its segment's parent is the gateway's server
    // span); its call to orders is a remote subsegment. A function segment carries no request.
    span(
      { traceId, spanId: functionId, parentSpanId: gatewayId, account: accounts.edge, service: 'checkout-fn', kind: 'server', name: 'checkout-fn', emitter: 'xray', attributes: {}, xrayOrigin: 'AWS::Lambda::Function', error: status >= 500 },
      functionStart,
      functionEnd,
    );
    span(
      {
        traceId, spanId: callId, parentSpanId: functionId, account: accounts.edge, service: 'checkout-fn', kind: 'client', name: 'orders.shop.internal', emitter: 'xray',
        attributes: { 'http.request.method': 'POST', 'url.full': 'http://orders.shop.internal:8080/orders', 'http.response.status_code': status },
        error: status >= 500,
        callee: { type: 'service', account: accounts.orders.id, service: 'orders' },
      },
      callStart,
      callEnd,
    );

    // The gateway (new HTTP names): shoppers call it without context, the canary with it.
    let canaryCallId: string | null = null;
    if (fromCanary) {
      canaryCallId = spanId();
      const canaryRootId = spanId();
      span({ traceId, spanId: canaryRootId, parentSpanId: null, account: accounts.synthetic, service: 'canary:checkout', kind: 'internal', name: 'journey checkout', emitter: 'otel', attributes: {} }, gatewayStart - 4e6, gatewayEnd + 2e6);
      span(
        {
          traceId, spanId: canaryCallId, parentSpanId: canaryRootId, account: accounts.synthetic, service: 'canary:checkout', kind: 'client', name: 'POST', emitter: 'otel',
          attributes: { 'http.request.method': 'POST', 'url.full': 'https://shop.example/api/checkout', 'server.address': 'shop.example', 'http.response.status_code': status },
          error: status >= 500,
          callee: { type: 'service', account: accounts.edge.id, service: 'api-gateway' },
        },
        gatewayStart - 2e6,
        gatewayEnd + 1e6,
      );
      canaryRequests += 1;
    } else {
      outsideRequests += 1;
    }
    span(
      {
        traceId, spanId: gatewayId, parentSpanId: canaryCallId, account: accounts.edge, service: 'api-gateway', kind: 'server', name: 'POST /api/checkout', emitter: 'otel',
        attributes: { 'http.request.method': 'POST', 'url.path': '/api/checkout', 'http.route': '/api/checkout', 'url.scheme': 'https', 'http.response.status_code': status },
        error: status >= 500,
      },
      gatewayStart,
      gatewayEnd,
    );
  }

  // analytics reads the order events in batches every 15 s: a trace per batch, linked to the
  // messages' producers, never their child.
  producers.sort((a, b) => a.atNs - b.atNs);
  for (let batchStart = options.startMs * 1e6; batchStart < (options.startMs + windowMs) * 1e6; batchStart += 15e9) {
    const batch = producers.filter((p) => p.atNs >= batchStart && p.atNs < batchStart + 15e9);
    if (batch.length === 0) continue;
    const start = batchStart + 15e9 + between(1, 80) * 1e6;
    span(
      {
        traceId: traceIdAt(start / 1e6), spanId: spanId(), parentSpanId: null, account: accounts.analytics, service: 'order-analytics', kind: 'consumer', name: 'order-events process', emitter: 'otel',
        attributes: { 'messaging.system': 'aws_sqs', 'messaging.destination.name': 'order-events', 'messaging.operation.type': 'process', 'messaging.batch.message_count': batch.length },
        links: batch.slice(0, 128).map(({ traceId, spanId }) => ({ traceId, spanId })),
      },
      start,
      start + between(30, 90) * 1e6,
    );
  }

  const longerThan = (ms: number) => (trace: { startNs: bigint; endNs: bigint }) => trace.endNs - trace.startNs > BigInt(ms) * 1_000_000n;
  const scenario: CorpusScenario = {
    title: 'a seven-account shop: gRPC, a gateway invoking a function, an uninstrumented hop',
    searches: [
      { q: 'service("checkout-fn")', matches: (trace) => trace.spans.some((s) => s.service === 'checkout-fn') },
      { q: 'http.status = 422', matches: (trace) => trace.spans.some((s) => httpStatusOf(s) === 422) },
      { q: 'service("shipper") AND kind = "consumer"', matches: (trace) => trace.spans.some((s) => s.service === 'shipper') && trace.spans.some((s) => s.kind === 'consumer') },
      { q: `name = "${RESERVE}" AND duration > 800ms`, matches: (trace) => trace.spans.some((s) => s.name === RESERVE) && longerThan(800)(trace) },
      { q: 'service("payments") AND http.status = 503', matches: (trace) => trace.spans.some((s) => s.service === 'payments') && trace.spans.some((s) => httpStatusOf(s) === 503) },
    ],
    // By construction only the requests whose Reserve waited on the lock take over 800 ms (the
    // others stay under about 650 ms, the accounts' skew and the queue's wait included).
    slow: { q: 'duration > 800ms', matches: longerThan(800), cause: slowReserve },
    healthy: 'service("canary:checkout")',
    slo: { selector: { service: 'orders', operation: 'POST /orders', account: accounts.orders.id }, thresholdMs: 115 },
  };
  const endMs = options.startMs + windowMs + 16_000;
  return { accounts, spans, startMs: options.startMs, endMs, causes: [slowReserve, adyenRetries], outsideRequests, canaryRequests, scenario };
}
