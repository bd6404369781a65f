import { makeSpan, nanos, seededRandom, spansToBatch, type Span, type SpanBatch } from '@stitch/model';

/** 31 days, the longest window a search may ask for. */
export const CORPUS_DAYS = 31;
const DAY_NS = 86_400_000_000_000n;
const SERVICES = ['checkout', 'payments', 'pricing', 'inventory', 'shipping', 'orders', 'users', 'search'];

export interface CostlyCorpus {
  startNs: bigint;
  endNs: bigint;
  /** Batches of about 50,000 spans, in time order (as ingest leaves a store). */
  batches(): Generator<SpanBatch>;
}

/**
 * Traces of 5 spans (a server root and four children across services, some failing, each with an
 * `http.url` naming an item) spread evenly over 31 days: the data a costly filter (many OR'd
 * conditions over the whole window) scans. Deterministic (seeded).
 */
export function costlyCorpus(traceCount: number, endNs = 1_764_000_000_000_000_000n): CostlyCorpus {
  const startNs = endNs - BigInt(CORPUS_DAYS) * DAY_NS;
  const stepNs = (endNs - startNs) / BigInt(traceCount);
  return {
    startNs,
    endNs,
    *batches() {
      const random = seededRandom(25);
      let spans: Span[] = [];
      for (let t = 0; t < traceCount; t++) {
        const traceStart = startNs + BigInt(t) * stepNs;
        const traceId = (t + 1).toString(16).padStart(32, '0');
        spans.push(...traceOf(traceId, traceStart, random));
        if (spans.length >= 50_000) {
          yield spansToBatch(spans);
          spans = [];
        }
      }
      if (spans.length > 0) yield spansToBatch(spans);
    },
  };
}

function traceOf(traceId: string, startNs: bigint, random: () => number): Span[] {
  const rootId = `${traceId.slice(16)}`;
  const spans: Span[] = [];
  for (let i = 0; i < 5; i++) {
    const service = SERVICES[i === 0 ? 0 : 1 + Math.floor(random() * (SERVICES.length - 1))]!;
    const begin = startNs + BigInt(i) * 1_000_000n;
    const status = random() < 0.02 ? 503 : random() < 0.05 ? 404 : 200;
    spans.push(
      makeSpan({
        traceId,
        spanId: i === 0 ? rootId : `${(i + 1).toString(16)}${rootId.slice(1)}`,
        parentSpanId: i === 0 ? null : rootId,
        name: `GET /item/{id}`,
        kind: i === 0 ? 'server' : 'client',
        startTimeUnixNano: nanos(begin),
        endTimeUnixNano: nanos(begin + BigInt(1 + Math.floor(random() * 900)) * 1_000_000n),
        http: { method: 'GET', route: '/item/{id}', url: `http://${service}/item/${Math.floor(random() * 10_000)}`, statusCode: status },
        resource: { serviceName: service, attributes: { 'service.name': service } },
      }),
    );
  }
  return spans;
}

/** `http.url CONTAINS "/0x" OR … OR service("s3") OR …`: `conditions` OR'd conditions, the shape fuzzing found slow. */
export function costlyFilter(conditions: number): string {
  return Array.from({ length: conditions }, (_, i) => (i % 4 === 3 ? `service("s${i}")` : `http.url CONTAINS "/${i}x"`)).join(' OR ');
}
