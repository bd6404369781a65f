// A ride-hailing marketplace across five accounts, made the way other people's systems make
// telemetry (stock OpenTelemetry JS with old and new semantic conventions, some hops without
// client spans, the stock X-Ray SDK's segments, a batch consumer linked only by span links,
// peers sharing a host, retries inside requests that succeed, skewed clocks), with what is
// true about it recorded as it is generated: whom each call really reached, which hops lost
// their context, which requests were made slow and why. Pure: no I/O, seeded.
import type { AttributeValue } from '@stitch/model';
import { corpusBuilder } from './corpus-builder.ts';
import type { Corpus, CorpusOptions, CorpusScenario, PlannedSpan, PlantedCause } from './corpus.ts';

const MS = 1_000_000n;

/** The marketplace: who calls whom, and how each service is instrumented. */
export function rideHailingCorpus(options: CorpusOptions): Corpus {
  const { random, between, spanId, traceIdAt, account, span, spans } = corpusBuilder(options.seed);
  const accounts = {
    edge: account('310000000001', 'edge'),
    rides: account('320000000002', 'rides'),
    payments: account('330000000003', 'payments'),
    dispatch: account('340000000004', 'dispatch'),
    synthetic: account('350000000005', 'synthetic'),
  } satisfies Corpus['accounts'];
  const slowTrips: PlantedCause = { name: 'slow-trips-query', service: 'rides', operation: 'SELECT trips', traceIds: new Set() };
  const mapsRetries: PlantedCause = { name: 'maps-retries', service: 'rides', operation: 'GET', traceIds: new Set() };

  const windowMs = options.minutes * 60_000;
  const requests = Math.round(options.requestsPerSecond * options.minutes * 60);
  const producers: Array<{ traceId: string; spanId: string; atNs: number }> = [];
  let outsideRequests = 0;
  let canaryRequests = 0;
  for (let i = 0; i < requests; i++) {
    const atMs = options.startMs + random() * windowMs;
    const t0 = atMs * 1e6;
    const traceId = traceIdAt(atMs);
    // The outcome the rider sees: mostly booked, a few unknown ride ids (404) and failures (500).
    const roll = random();
    const status = roll < 0.01 ? 404 : roll < 0.016 ? 500 : 200;
    const fromCanary = random() < 0.1;
    const slowQuery = random() < 0.05;
    const retriesMaps = random() < 0.08;
    const dropsFareContext = random() < 0.04;

    // rides' own work, built inside out so each parent's end covers its children.
    let cursor = t0 + between(1, 3) * 1e6;
    const ridesStart = cursor - 0.5e6;
    const ridesServerId = spanId();
    const children: Array<() => void> = [];

    // 1. The trips query (old database conventions); slow when planted.
    const queryMs = slowQuery ? between(900, 1_400) : between(2, 8);
    {
      const start = cursor;
      const end = start + queryMs * 1e6;
      cursor = end + 0.2e6;
      children.push(() =>
        span(
          {
            traceId, spanId: spanId(), parentSpanId: ridesServerId, account: accounts.rides, service: 'rides', kind: 'client', name: 'SELECT trips', emitter: 'otel',
            attributes: { 'db.system': 'postgresql', 'db.name': 'rides', 'db.sql.table': 'trips', 'db.statement': 'SELECT * FROM trips WHERE rider_id = $1', 'net.peer.name': 'db.rides.internal', 'net.peer.port': 5432 },
            callee: { type: 'database', account: accounts.rides.id, table: 'trips' },
          },
          start,
          end,
        ),
      );
    }
    if (slowQuery) slowTrips.traceIds.add(traceId);

    // 2. The maps API (old HTTP conventions, peer.service), retried after a 503 in some requests.
    const mapsAttempts = retriesMaps ? 3 : 1;
    for (let attempt = 1; attempt <= mapsAttempts; attempt++) {
      const start = cursor;
      const failed = attempt < mapsAttempts;
      const end = start + (failed ? between(20, 40) : between(30, 90)) * 1e6;
      cursor = end + (failed ? 50e6 : 0.3e6);
      children.push(() =>
        span(
          {
            traceId, spanId: spanId(), parentSpanId: ridesServerId, account: accounts.rides, service: 'rides', kind: 'client', name: 'GET', emitter: 'otel',
            attributes: { 'http.method': 'GET', 'http.url': 'https://maps.example.com/v2/route?from=a&to=b', 'net.peer.name': 'maps.example.com', 'peer.service': 'Maps', 'http.status_code': failed ? 503 : 200 },
            error: failed,
            callee: { type: 'http', host: 'maps.example.com', port: null, peerService: 'Maps' },
          },
          start,
          end,
        ),
      );
    }
    if (retriesMaps) mapsRetries.traceIds.add(traceId);

    // 3. The fare quote: payments' fare service, instrumented with the X-Ray SDK, which calls Stripe.
    {
      const start = cursor;
      const fareStart = start + between(0.5, 1.5) * 1e6;
      const stripeStart = fareStart + between(1, 3) * 1e6;
      const stripeEnd = stripeStart + between(40, 160) * 1e6;
      const fareEnd = stripeEnd + between(1, 2) * 1e6;
      const end = fareEnd + between(0.5, 1.5) * 1e6;
      cursor = end + 0.2e6;
      const callId = spanId();
      children.push(() => {
        span(
          {
            traceId, spanId: callId, parentSpanId: ridesServerId, account: accounts.rides, service: 'rides', kind: 'client', name: 'POST', emitter: 'otel',
            attributes: { 'http.method': 'POST', 'http.url': 'http://fare.payments.internal:8080/quote', 'net.peer.name': 'fare.payments.internal', 'net.peer.port': 8080, 'http.status_code': 200 },
            callee: { type: 'service', account: accounts.payments.id, service: 'fare' },
            contextDropped: dropsFareContext,
          },
          start,
          end,
        );
        // Without the context the fare service begins a trace of its own. Its segment is named
        // for the service; the operation is its request's method and path.
        const fareTrace = dropsFareContext ? traceIdAt(fareStart / 1e6) : traceId;
        const fareId = spanId();
        span(
          {
            traceId: fareTrace, spanId: fareId, parentSpanId: dropsFareContext ? null : callId, account: accounts.payments, service: 'fare', kind: 'server', name: 'POST /quote', emitter: 'xray',
            attributes: { 'http.request.method': 'POST', 'url.full': 'http://fare.payments.internal:8080/quote', 'http.response.status_code': 200 },
          },
          fareStart,
          fareEnd,
        );
        span(
          {
            traceId: fareTrace, spanId: spanId(), parentSpanId: fareId, account: accounts.payments, service: 'fare', kind: 'client', name: 'api.stripe.com', emitter: 'xray',
            attributes: { 'http.request.method': 'POST', 'url.full': 'https://api.stripe.com/v1/charges', 'http.response.status_code': 200 },
            callee: { type: 'http', host: 'api.stripe.com', port: null, peerService: null },
          },
          stripeStart,
          stripeEnd,
        );
      });
    }

    // 4. The ride request published (new messaging conventions); dispatch consumes it as a child.
    {
      const start = cursor;
      const end = start + between(1, 4) * 1e6;
      cursor = end + 0.2e6;
      const producerId = spanId();
      producers.push({ traceId, spanId: producerId, atNs: end });
      children.push(() => {
        span(
          {
            traceId, spanId: producerId, parentSpanId: ridesServerId, account: accounts.rides, service: 'rides', kind: 'producer', name: 'ride-requests publish', emitter: 'otel',
            attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'ride-requests', 'messaging.operation.type': 'send', 'server.address': 'kafka.rides.internal', 'server.port': 9092 },
            callee: { type: 'queue', account: accounts.rides.id, topic: 'ride-requests' },
          },
          start,
          end,
        );
        const consumeStart = end + between(5, 30) * 1e6;
        const consumerId = spanId();
        // Two HTTP peers on one host, told apart only by their ports: a queue API that often fails, and an ETA API.
        const enqueueStart = consumeStart + 1e6;
        const enqueueEnd = enqueueStart + between(3, 12) * 1e6;
        const enqueueFault = random() < 0.5;
        const etaStart = enqueueEnd + 0.5e6;
        const etaEnd = etaStart + between(5, 20) * 1e6;
        const consumeEnd = etaEnd + 1e6;
        span(
          {
            traceId, spanId: consumerId, parentSpanId: producerId, account: accounts.dispatch, service: 'dispatch', kind: 'consumer', name: 'ride-requests process', emitter: 'otel',
            attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'ride-requests', 'messaging.operation.type': 'process' },
          },
          consumeStart,
          consumeEnd,
        );
        span(
          {
            traceId, spanId: spanId(), parentSpanId: consumerId, account: accounts.dispatch, service: 'dispatch', kind: 'client', name: 'POST', emitter: 'otel',
            attributes: { 'http.request.method': 'POST', 'url.full': 'http://127.0.0.1:33103/enqueue', 'server.address': '127.0.0.1', 'server.port': 33103, 'http.response.status_code': enqueueFault ? 503 : 202 },
            error: enqueueFault,
            callee: { type: 'http', host: '127.0.0.1', port: 33103, peerService: null },
          },
          enqueueStart,
          enqueueEnd,
        );
        span(
          {
            traceId, spanId: spanId(), parentSpanId: consumerId, account: accounts.dispatch, service: 'dispatch', kind: 'client', name: 'GET', emitter: 'otel',
            attributes: { 'http.request.method': 'GET', 'url.full': 'http://127.0.0.1:33104/eta?ride=1', 'server.address': '127.0.0.1', 'server.port': 33104, 'http.response.status_code': 200 },
            callee: { type: 'http', host: '127.0.0.1', port: 33104, peerService: null },
          },
          etaStart,
          etaEnd,
        );
      });
    }
    const ridesEnd = cursor + 0.3e6;

    // rides' server span (old HTTP conventions), parented straight by the gateway's server span:
    // the gateway is instrumented without HTTP client spans.
    const gatewayStart = ridesStart - between(0.5, 1) * 1e6;
    const gatewayEnd = ridesEnd + between(0.2, 0.6) * 1e6;
    const gatewayId = spanId();
    span(
      {
        traceId, spanId: ridesServerId, parentSpanId: gatewayId, account: accounts.rides, service: 'rides', kind: 'server', name: 'POST /rides', emitter: 'otel',
        attributes: { 'http.method': 'POST', 'http.target': '/rides', 'http.route': '/rides', 'http.status_code': status, 'net.host.name': 'rides.internal' },
        error: status >= 500,
      },
      ridesStart,
      ridesEnd,
    );
    for (const child of children) child();

    // The gateway (new HTTP conventions): called by outside riders without context, and by the canary with it.
    let canaryCallId: string | null = null;
    if (fromCanary) {
      canaryCallId = spanId();
      const canaryRootId = spanId();
      span(
        { traceId, spanId: canaryRootId, parentSpanId: null, account: accounts.synthetic, service: 'canary:book-ride', kind: 'internal', name: 'journey book-ride', emitter: 'otel', attributes: {} },
        gatewayStart - 3e6,
        gatewayEnd + 2e6,
      );
      span(
        {
          traceId, spanId: canaryCallId, parentSpanId: canaryRootId, account: accounts.synthetic, service: 'canary:book-ride', kind: 'client', name: 'POST', emitter: 'otel',
          attributes: { 'http.request.method': 'POST', 'url.full': 'https://api.rides.example/rides', 'server.address': 'api.rides.example', 'http.response.status_code': status },
          error: status >= 500,
          callee: { type: 'service', account: accounts.edge.id, service: 'api-gateway' },
        },
        gatewayStart - 1e6,
        gatewayEnd + 1e6,
      );
      canaryRequests += 1;
    } else {
      outsideRequests += 1;
    }
    span(
      {
        traceId, spanId: gatewayId, parentSpanId: canaryCallId, account: accounts.edge, service: 'api-gateway', kind: 'server', name: 'POST /rides', emitter: 'otel',
        attributes: { 'http.request.method': 'POST', 'url.path': '/rides', 'http.route': '/rides', 'http.response.status_code': status, 'url.scheme': 'https' },
        error: status >= 500,
      },
      gatewayStart,
      gatewayEnd,
    );
  }

  // billing consumes ride requests in batches every 10 s: each batch a trace of its own, linked
  // to the messages' producers, never their child.
  producers.sort((a, b) => a.atNs - b.atNs);
  for (let batchStart = options.startMs * 1e6; batchStart < (options.startMs + windowMs) * 1e6; batchStart += 10e9) {
    const batch = producers.filter((p) => p.atNs >= batchStart && p.atNs < batchStart + 10e9);
    if (batch.length === 0) continue;
    const start = batchStart + 10e9 + between(1, 50) * 1e6;
    const at = start / 1e6;
    span(
      {
        traceId: traceIdAt(at), spanId: spanId(), parentSpanId: null, account: accounts.payments, service: 'billing', kind: 'consumer', name: 'ride-requests process', emitter: 'otel',
        attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'ride-requests', 'messaging.operation.type': 'process', 'messaging.batch.message_count': batch.length },
        links: batch.slice(0, 128).map(({ traceId, spanId }) => ({ traceId, spanId })),
      },
      start,
      start + between(20, 60) * 1e6,
    );
  }
  const endMs = options.startMs + windowMs + 11_000;
  const scenario: CorpusScenario = {
    title: 'a five-account marketplace sent by stock clients',
    searches: [
      { q: 'service("fare")', matches: (trace) => trace.spans.some((s) => s.service === 'fare') },
      { q: 'duration > 700ms', matches: (trace) => trace.endNs - trace.startNs > 700_000_000n },
      { q: 'http.status = 404', matches: (trace) => trace.spans.some((s) => httpStatusOf(s) === 404) },
      { q: 'service("dispatch") AND kind = "consumer"', matches: (trace) => trace.spans.some((s) => s.service === 'dispatch') && trace.spans.some((s) => s.kind === 'consumer') },
      { q: 'name = "SELECT trips" AND duration > 500ms', matches: (trace) => trace.spans.some((s) => s.name === 'SELECT trips') && trace.endNs - trace.startNs > 500_000_000n },
    ],
    // The requests whose trips query was made slow are, by construction, the only ones over 700 ms.
    slow: { q: 'duration > 700ms', matches: (trace) => trace.endNs - trace.startNs > 700_000_000n, cause: slowTrips },
    // The canary's requests are a random tenth of the healthy population.
    healthy: 'service("canary:book-ride")',
    slo: { selector: { service: 'rides', operation: 'POST /rides', account: accounts.rides.id }, thresholdMs: 250 },
  };
  return { accounts, spans, startMs: options.startMs, endMs, causes: [slowTrips, mapsRetries], outsideRequests, canaryRequests, scenario };
}

/** A span's HTTP status in either convention's name. */
export const httpStatusOf = (span: PlannedSpan): AttributeValue | undefined => span.attributes['http.response.status_code'] ?? span.attributes['http.status_code'];

export const durationNs = (span: PlannedSpan): bigint => span.endNs - span.startNs;
export const startMsOf = (span: PlannedSpan): number => Number(span.startNs / MS);
