import { z } from 'zod';
import { isValidSpanId, nanos, spanFromJson, SPAN_KINDS, STATUS_CODES, TRACE_STATUSES } from '@stitch/model';
import { HISTOGRAM_BOUNDS } from '@stitch/query';
import { latencySketchJson } from './latency-sketch-json.ts';
import { traceIdText } from './protocol.ts';

// What central accepts from an agent. An agent is another party's process: its answers are
// checked field by field before they reach a view (unknown fields are dropped). Which account the
// data belongs to is not decided here but by RemoteStore.

// uint64 nanoseconds as a decimal string (JSON numbers lose precision past 2^53).
const nanosText = z.string().regex(/^\d{1,20}$/, 'expected nanoseconds as a decimal string');
const nanosValue = nanosText.transform((text) => nanos(BigInt(text)));
const count = z.number().int().nonnegative();
const scalar = z.union([z.string(), z.number(), z.boolean()]);
const attributes = z.record(z.string(), z.union([scalar, z.array(scalar)]));

/** A span as SpanJson (spanFromJson turns it into a Span). */
export const spanJsonSchema = z.object({
  traceId: traceIdText,
  spanId: z.string().refine(isValidSpanId, 'not a span id (16 lowercase hex digits, not all zero)'),
  parentSpanId: z.string().nullable(),
  traceState: z.string(),
  name: z.string(),
  kind: z.enum(SPAN_KINDS),
  startTimeUnixNano: nanosText,
  endTimeUnixNano: nanosText,
  durationNanos: z.string(),
  status: z.object({ code: z.enum(STATUS_CODES), message: z.string() }),
  http: z.object({ method: z.string().nullable(), route: z.string().nullable(), url: z.string().nullable(), statusCode: z.number().int().nullable() }),
  attributes,
  events: z.array(z.object({ name: z.string(), timeUnixNano: nanosText, attributes })),
  links: z.array(z.object({ traceId: z.string(), spanId: z.string(), traceState: z.string(), attributes })),
  resource: z.object({ serviceName: z.string(), attributes }),
  scope: z.object({ name: z.string(), version: z.string() }),
  account: z.object({ id: z.string(), label: z.string() }),
});

export const tracesAnswer = z.object({ traces: z.record(traceIdText, z.array(spanJsonSchema.transform(spanFromJson))) }).superRefine((answer, context) => {
  // A span filed under another trace would show up in a trace it is not part of.
  for (const [traceId, spans] of Object.entries(answer.traces)) {
    const stray = spans.findIndex((span) => span.traceId !== traceId);
    if (stray >= 0) context.addIssue({ code: 'custom', path: ['traces', traceId, stray, 'traceId'], message: 'not the trace it is listed under' });
  }
});

const traceSummary = z.object({
  traceId: traceIdText,
  rootServiceName: z.string(),
  rootSpanName: z.string(),
  startTimeUnixNano: nanosValue,
  durationNanos: nanosValue,
  spanCount: count,
  services: z.array(z.string()),
  accounts: z.array(z.string()),
  status: z.enum(TRACE_STATUSES),
  errorSpanCount: count,
});

export const searchAnswer = z.object({ traces: z.array(traceSummary) });

// Central adds up the histograms of every member bucket by bucket: an agent counting into
// other bounds (another Stitch version) would be added up wrong, so it is refused.
export const histogramAnswer = z
  .object({ boundsNanos: z.array(nanosText), counts: z.array(count).length(HISTOGRAM_BOUNDS.length + 1), total: count })
  .refine((answer) => answer.boundsNanos.join() === HISTOGRAM_BOUNDS.join(), { path: ['boundsNanos'], message: "not this central's histogram buckets" })
  .refine((answer) => answer.counts.reduce((sum, n) => sum + n, 0) === answer.total, { path: ['total'], message: 'not the sum of the counts' })
  .transform(({ counts, total }) => ({ boundsNanos: HISTOGRAM_BOUNDS, counts, total }));

const nodeRef = z.object({
  account: z.string(),
  accountLabel: z.string(),
  service: z.string(),
  inferred: z.enum(['database', 'queue', 'rpc', 'http', 'unknown']).nullable(),
  label: z.string(),
});

const graphRecord = z.object({
  bucketStartMs: z.number().int(),
  kind: z.enum(['node', 'edge', 'dropped', 'orphan']),
  from: nodeRef.nullable(),
  to: nodeRef,
  connection: z.enum(['sync', 'async']),
  measurements: z.object({
    count,
    errors: count,
    faults: count,
    throttles: count,
    latencySumNanos: nanosText.transform((text) => BigInt(text)),
    latency: latencySketchJson,
  }),
  roots: count,
  examples: z.array(z.string()),
});

export const graphAnswer = z.object({ records: z.array(graphRecord) });

export const servicesAnswer = z.object({ services: z.array(z.object({ serviceName: z.string(), accounts: z.array(z.string()), spanCount: count })) });

export const accountsAnswer = z.object({
  accounts: z.array(
    z.object({ accountId: z.string(), label: z.string(), services: z.array(z.string()), spanCount: count, lastSeenNanos: nanosValue, firstSeenNanos: nanosValue }),
  ),
});

export const startedInAnswer = z.object({ traceIds: z.array(z.string()) });

export const statsAnswer = z.object({ spanCount: count, traceCount: count });
