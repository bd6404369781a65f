import { z } from 'zod';
import { isValidTraceId, nanos } from '@stitch/model';

// Federated mode: each agent keeps its account's spans and answers central's reads over HTTP,
// authenticated by the link token (checked by the agent before these routes are reached).

/** The port an agent serves its store's reads on, beside OTLP's 4318. */
export const DEFAULT_READ_PORT = 4319;

export const FEDERATION_PATHS = {
  /** GET → { status: 'ok', accountId, label }: answered by the agent itself, which knows its account */
  health: '/federation/v1/health',
  /** POST { traceIds } → { traces: { [traceId]: SpanJson[] } }, unknown ids absent */
  traces: '/federation/v1/traces',
  /** POST SearchBody → { traces: TraceSummaryJson[] } */
  search: '/federation/v1/search',
  /** POST HistogramBody → { boundsNanos, counts, total } */
  histogram: '/federation/v1/histogram',
  /** GET ?startMs=&endMs= → { records: GraphRecord[] } (latencySumNanos a decimal string) */
  graph: '/federation/v1/graph',
  /** POST { start, end, limit } → { traceIds }: traces with a span started in [start, end) */
  startedIn: '/federation/v1/started-in',
  /** GET → { services: ServiceSummary[] } */
  services: '/federation/v1/services',
  /** GET → { accounts: AccountSummary[] } (lastSeenNanos, firstSeenNanos decimal strings) */
  accounts: '/federation/v1/accounts',
  /** GET → StoreStats */
  stats: '/federation/v1/stats',
} as const;

export const FEDERATION_LIMITS = {
  /** A request body: 1000 trace ids or a 16 KB filter fit many times over. */
  requestBytes: 1024 * 1024,
  traceIdsPerRequest: 1000,
  searchLimit: 10_000,
  filterChars: 16 * 1024,
  serviceNameChars: 1024,
  /** An answer, by default: a thousand big traces. */
  answerBytes: 64 * 1024 * 1024,
} as const;

// Nanoseconds travel as decimal strings (uint64 does not fit a JSON number); the stores keep int64.
const INT64_MAX = 2n ** 63n - 1n;
const nanosText = z
  .string()
  .regex(/^\d{1,19}$/, { message: 'expected nanoseconds as a decimal string', abort: true })
  .refine((text) => BigInt(text) <= INT64_MAX, 'beyond the int64 nanoseconds a store keeps')
  .transform((text) => nanos(BigInt(text)));

export const traceIdText = z.string().refine(isValidTraceId, 'not a trace id (32 lowercase hex digits, not all zero)');

// Strict objects: an agent that ignored a criterion it does not know would answer the wrong question.
export const tracesBody = z.strictObject({
  traceIds: z.array(traceIdText).max(FEDERATION_LIMITS.traceIdsPerRequest),
});

export const histogramBody = z.strictObject({
  start: nanosText,
  end: nanosText,
  service: z.string().max(FEDERATION_LIMITS.serviceNameChars).optional(),
  minDuration: nanosText.optional(),
  maxDuration: nanosText.optional(),
  /** Filter text (`filterText` of the parsed expression), parsed again by the agent. */
  filter: z.string().max(FEDERATION_LIMITS.filterChars).optional(),
});

export const searchBody = histogramBody.extend({
  limit: z.number().int().min(1).max(FEDERATION_LIMITS.searchLimit),
});

export const startedInBody = z.strictObject({
  start: nanosText,
  end: nanosText,
  limit: z.number().int().min(1).max(FEDERATION_LIMITS.traceIdsPerRequest),
});

// Unix milliseconds as the query string carries them.
const millisText = z
  .string()
  .regex(/^\d{1,15}$/, 'expected unix milliseconds (a whole number)')
  .transform(Number);

export const graphParams = z.strictObject({ startMs: millisText, endMs: millisText });

export type TracesBody = z.input<typeof tracesBody>;
export type HistogramBody = z.input<typeof histogramBody>;
export type SearchBody = z.input<typeof searchBody>;
