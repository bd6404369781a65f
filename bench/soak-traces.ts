import { encodeTraceRequest, OTLP_SPAN_KIND, OTLP_STATUS_CODE, type OtlpKeyValue, type OtlpSpan } from './otlp-proto.ts';

// The soak's traffic: the demo's checkout (packages/demo/src/services.ts), one request crossing
// five accounts, so every trace reaches central through all five agents. Span ids are the run's
// salt followed by the span's index in the run, so central's rows can be matched to what the
// exporters were told, by id, without keeping millions of id strings in memory.

export interface SoakAccount {
  id: string;
  name: string;
  service: string;
  version: string;
}

export const SOAK_ACCOUNTS: readonly SoakAccount[] = [
  { id: '111111111111', name: 'edge', service: 'edge-gateway', version: '3.14.2' },
  { id: '222222222222', name: 'checkout', service: 'checkout-orchestrator', version: '1.42.0' },
  { id: '333333333333', name: 'pricing', service: 'pricing', version: '2.7.1' },
  { id: '444444444444', name: 'inventory', service: 'inventory', version: '5.0.3' },
  { id: '555555555555', name: 'payments', service: 'payments', version: '4.11.0' },
];

const [EDGE, CHECKOUT, PRICING, INVENTORY, PAYMENTS] = [0, 1, 2, 3, 4] as const;

interface SpanTemplate {
  account: number;
  /** Index of the parent in the template, -1 for the root. */
  parent: number;
  name: string;
  kind: number;
  startMs: number;
  durationMs: number;
  attributes: Array<[string, string | number]>;
}

/** Offsets in the trace, in ms; each call's server span sits inside its client span. */
const CHECKOUT_TRACE: readonly SpanTemplate[] = [
  { account: EDGE, parent: -1, name: 'POST /checkout', kind: OTLP_SPAN_KIND.server, startMs: 0, durationMs: 420, attributes: [['http.request.method', 'POST'], ['http.route', '/checkout'], ['http.response.status_code', 200]] },
  { account: EDGE, parent: 0, name: 'POST', kind: OTLP_SPAN_KIND.client, startMs: 4, durationMs: 410, attributes: [['http.request.method', 'POST'], ['url.full', 'http://checkout.internal/v1/place-order'], ['http.response.status_code', 200]] },
  { account: CHECKOUT, parent: 1, name: 'POST /v1/place-order', kind: OTLP_SPAN_KIND.server, startMs: 6, durationMs: 400, attributes: [['http.request.method', 'POST'], ['http.route', '/v1/place-order'], ['http.response.status_code', 200]] },
  { account: CHECKOUT, parent: 2, name: 'GET', kind: OTLP_SPAN_KIND.client, startMs: 10, durationMs: 40, attributes: [['http.request.method', 'GET'], ['url.full', 'http://pricing.internal/prices/SKU-10037'], ['http.response.status_code', 200]] },
  { account: PRICING, parent: 3, name: 'GET /prices/{sku}', kind: OTLP_SPAN_KIND.server, startMs: 12, durationMs: 35, attributes: [['http.request.method', 'GET'], ['http.route', '/prices/{sku}'], ['http.response.status_code', 200]] },
  { account: CHECKOUT, parent: 2, name: 'POST', kind: OTLP_SPAN_KIND.client, startMs: 55, durationMs: 90, attributes: [['http.request.method', 'POST'], ['url.full', 'http://inventory.internal/reserve'], ['http.response.status_code', 200]] },
  { account: INVENTORY, parent: 5, name: 'POST /reserve', kind: OTLP_SPAN_KIND.server, startMs: 57, durationMs: 85, attributes: [['http.request.method', 'POST'], ['http.route', '/reserve'], ['http.response.status_code', 200]] },
  { account: INVENTORY, parent: 6, name: 'acquire stock lock', kind: OTLP_SPAN_KIND.internal, startMs: 58, durationMs: 20, attributes: [['lock.name', 'stock']] },
  { account: CHECKOUT, parent: 2, name: 'POST', kind: OTLP_SPAN_KIND.client, startMs: 150, durationMs: 250, attributes: [['http.request.method', 'POST'], ['url.full', 'http://payments.internal/charge'], ['http.response.status_code', 200]] },
  { account: PAYMENTS, parent: 8, name: 'POST /charge', kind: OTLP_SPAN_KIND.server, startMs: 152, durationMs: 245, attributes: [['http.request.method', 'POST'], ['http.route', '/charge'], ['http.response.status_code', 200]] },
  { account: PAYMENTS, parent: 9, name: 'Stripe API call', kind: OTLP_SPAN_KIND.client, startMs: 155, durationMs: 230, attributes: [['http.request.method', 'POST'], ['url.full', 'https://api.stripe.com/v1/payment_intents'], ['http.response.status_code', 200]] },
];

export const SPANS_PER_TRACE = CHECKOUT_TRACE.length;

/** A span's id: the run's salt (4 bytes, never 0, so no id is all zeros), then its index (4 bytes). */
export function spanIdOf(salt: number, index: number): Uint8Array {
  const id = Buffer.alloc(8);
  id.writeUInt32BE(salt, 0);
  id.writeUInt32BE(index, 4);
  return id;
}

/** The index a stored span id stands for, or null when the id is not one of this run's. */
export function spanIndexOf(salt: number, spanIdHex: string): number | null {
  if (spanIdHex.length !== 16 || Number.parseInt(spanIdHex.slice(0, 8), 16) !== salt) return null;
  return Number.parseInt(spanIdHex.slice(8), 16);
}

const attribute = (key: string, value: string | number): OtlpKeyValue => ({ key, value: typeof value === 'number' ? { intValue: value } : { stringValue: value } });

export interface AccountSpan {
  account: number;
  index: number;
  span: OtlpSpan;
}

/**
 * One checkout trace ending about now, its spans numbered from `firstIndex`. Trace ids are
 * X-Ray-shaped (epoch seconds first), then the salt and the trace's number: unique in the run.
 */
export function checkoutTrace(salt: number, traceNumber: number, firstIndex: number, nowMs: number): AccountSpan[] {
  const traceId = Buffer.alloc(16);
  traceId.writeUInt32BE(Math.floor(nowMs / 1_000), 0);
  traceId.writeUInt32BE(salt, 4);
  traceId.writeUInt32BE(traceNumber >>> 0, 12);
  const startNs = BigInt(Math.round(nowMs - 500)) * 1_000_000n;
  const orderId = `ord_${salt.toString(36)}_${traceNumber.toString(36)}`;
  return CHECKOUT_TRACE.map((template, i) => {
    const start = startNs + BigInt(template.startMs) * 1_000_000n;
    const span: OtlpSpan = {
      traceId,
      spanId: spanIdOf(salt, firstIndex + i),
      ...(template.parent >= 0 ? { parentSpanId: spanIdOf(salt, firstIndex + template.parent) } : {}),
      flags: 1,
      name: template.name,
      kind: template.kind,
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: (start + BigInt(template.durationMs) * 1_000_000n).toString(),
      attributes: [...template.attributes.map(([key, value]) => attribute(key, value)), attribute('order.id', orderId)],
      events: [],
      status: { code: OTLP_STATUS_CODE.unset, message: '' },
    };
    return { account: template.account, index: firstIndex + i, span };
  });
}

/**
 * One export request of a service instance, as its OTLP exporter sends it (protobuf). The bench's
 * own encoder (otlp-proto.ts), so what the agents check is not made by the code under test.
 */
export function encodeExport(account: SoakAccount, instance: number, spans: OtlpSpan[]): Uint8Array {
  return encodeTraceRequest({
    resourceSpans: [
      {
        resource: {
          attributes: [
            attribute('service.name', account.service),
            attribute('service.version', account.version),
            attribute('service.instance.id', `${account.service}-${instance}`),
            attribute('cloud.provider', 'aws'),
            attribute('cloud.account.id', account.id),
          ],
        },
        scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.57.0' }, spans }],
      },
    ],
  });
}
