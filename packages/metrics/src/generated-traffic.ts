import { makeSpan, nanos, seededRandom, type Span, type SpanKind } from '@stitch/model';

export interface TrafficOptions {
  /** Spans start in [startMs, startMs + minutes). */
  startMs: number;
  minutes: number;
  count: number;
  accounts?: ReadonlyArray<{ id: string; label: string }>;
  services?: readonly string[];
  operations?: readonly string[];
  /** A duration in ms from a random number in [0, 1); by default 5 ms to 5 s, none in (1.8 s, 2.3 s]. */
  durationMs?: (random: number) => number;
}

/** Outcomes with their weights: HTTP statuses, and an error status without one (a fault). */
const OUTCOMES: Array<{ http: number | null; error: boolean }> = [
  ...Array.from({ length: 14 }, () => ({ http: 200, error: false })),
  { http: 404, error: false },
  { http: 429, error: false },
  { http: 500, error: false },
  { http: 503, error: true },
  { http: null, error: true },
  { http: null, error: false },
];
const KINDS: SpanKind[] = ['server', 'server', 'server', 'consumer', 'client', 'producer', 'internal'];

/**
 * Spans as services send them (seeded): every kind, with and without parents, every outcome.
 * Default durations stay out of the latency bucket straddling 2 s, so a "p99 < 2 s" SLO's good
 * count is exact; tests compute every expected figure from these spans themselves.
 */
export function generatedTraffic(seed: number, options: TrafficOptions): Span[] {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  const accounts = options.accounts ?? [
    { id: '111111111111', label: 'shop' },
    { id: '222222222222', label: 'payments' },
  ];
  const services = options.services ?? ['checkout', 'payments', 'inventory'];
  const operations = options.operations ?? ['GET /cart', 'POST /checkout', 'consume orders'];
  const durationMs = options.durationMs ?? ((r: number) => (r < 0.8 ? 5 + r * 2_000 : 2_400 + (r - 0.8) * 13_000));
  return Array.from({ length: options.count }, (_, i) => {
    const startNs = BigInt(options.startMs + Math.floor(random() * options.minutes * 60_000)) * 1_000_000n + BigInt(i % 1000);
    const outcome = pick(OUTCOMES);
    const service = pick(services);
    return makeSpan({
      traceId: (seed * 1_000_003 + i + 1).toString(16).padStart(32, 'a'),
      spanId: (i + 1).toString(16).padStart(16, 'b'),
      parentSpanId: random() < 0.4 ? null : 'c'.repeat(16),
      name: pick(operations),
      kind: pick(KINDS),
      startTimeUnixNano: nanos(startNs),
      endTimeUnixNano: nanos(startNs + BigInt(Math.round(durationMs(random()) * 1e6))),
      status: { code: outcome.error ? 'error' : 'unset', message: '' },
      http: { method: 'GET', route: null, url: null, statusCode: outcome.http },
      // As OTLP carries them: what ingest reads the status from.
      attributes: { 'http.request.method': 'GET', ...(outcome.http === null ? {} : { 'http.response.status_code': outcome.http }) },
      resource: { serviceName: service, attributes: { 'service.name': service } },
      account: pick(accounts),
    });
  });
}
