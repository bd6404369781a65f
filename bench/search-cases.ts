import { annotationsOf, type TraceSummaryJson as ApiTraceSummaryJson } from '@stitch/model';
import type { PoolTrace } from './reference-matches.ts';

/** What the checks read of a search answer's summaries (the API's own shape, in the model). */
export type TraceSummaryJson = Pick<ApiTraceSummaryJson, 'traceId' | 'startTimeUnixNano' | 'durationMs' | 'services' | 'status' | 'errorSpanCount'>;

export interface SearchCase {
  name: string;
  params: Record<string, string>;
  /** What every returned summary must show, as far as a summary can tell. */
  check: (trace: TraceSummaryJson) => boolean;
  /** The same search in the filter language (null: every trace), for the reference evaluator's count. */
  equivalent: string | null;
  /** The p99 the page must answer within (the targets: 300 ms, 500 ms for a structural query). */
  targetMs?: number;
}

/** The one-hour searches, from the broadest to the on-call one ("checkout, slower than 8 s") and one that matches nothing. */
export function searchCases(): SearchCase[] {
  return [
    { name: 'last hour', params: {}, check: () => true, equivalent: null },
    { name: 'last hour, service=payments', params: { service: 'payments' }, check: (t) => t.services.includes('payments'), equivalent: 'service("payments")' },
    {
      name: 'last hour, service=checkout-orchestrator, minDuration=8s',
      params: { service: 'checkout-orchestrator', minDuration: '8s' },
      check: (t) => t.services.includes('checkout-orchestrator') && t.durationMs >= 8_000,
      equivalent: 'service("checkout-orchestrator") AND duration >= 8',
    },
    // Nothing matches, so nothing stops the search early: every trace of the hour is looked at.
    { name: 'last hour, service matching nothing', params: { service: 'no-such-service' }, check: () => false, equivalent: 'service("no-such-service")' },
  ];
}

const filterCase = (q: string, check: SearchCase['check']): SearchCase => ({ name: `q=${q}`, params: { q }, check, equivalent: q });

/**
 * One-hour searches with a filter expression (`q=`), one per kind of condition, on what the
 * generated checkout traffic holds (otlp-load.ts): Stripe's slow tail, inventory's lock timeouts
 * (503s), the orchestrator's calls to payments, price lookups by SKU, the order-id annotation.
 */
export function filterSearchCases(orderId: string): SearchCase[] {
  return [
    filterCase('duration > 8', (t) => t.durationMs > 8_000),
    filterCase('service("inventory") { fault }', (t) => t.services.includes('inventory') && t.errorSpanCount > 0),
    filterCase('http.status >= 500', (t) => t.errorSpanCount > 0),
    filterCase('edge("checkout-orchestrator", "payments")', (t) => t.services.includes('checkout-orchestrator') && t.services.includes('payments')),
    filterCase('http.url CONTAINS "/prices/SKU-10037"', (t) => t.services.includes('pricing')),
    filterCase(`annotation.order.id = "${orderId}"`, (t) => t.services.includes('checkout-orchestrator')),
    // Declines are 402s (errors, not faults): every span of the hour is read, no trace matches.
    filterCase('service("payments") { fault }', () => false),
    // A trace-level condition no trace meets: every trace of the hour is merged and measured.
    filterCase('duration > 1000', () => false),
    // Any attribute of stock instrumentations, on one span; a pattern, whatever the case.
    filterCase('{ span.db.system = "dynamodb" && span.db.operation.name = "PutItem" }', (t) => t.services.length > 0),
    filterCase('{ span.deployment.ring =~ "(?i)CANARY" && resource.service.name = "payments" }', (t) => t.services.includes('payments')),
    // Structure: a consumer below the orchestrator's request; aggregates per trace.
    { ...filterCase('{ resource.service.name = "checkout-orchestrator" } >> { span.messaging.operation.type = "process" }', (t) => t.services.includes('checkout-orchestrator')), targetMs: 500 },
    filterCase('{ span.db.system = "dynamodb" } | count() > 3', (t) => t.services.length > 0),
  ];
}

/** The order id the orchestrator annotated on the pool's first trace: in every store, one trace per round. */
export function annotatedOrderId(traces: PoolTrace[][]): string {
  for (const span of traces[0]?.[0]?.spans ?? []) {
    const orderId = annotationsOf(span.attributes).find(([key]) => key === 'order.id')?.[1];
    if (typeof orderId === 'string') return orderId;
  }
  throw new Error('the first generated trace has no order.id annotation (otlp-load.ts changed?)');
}
