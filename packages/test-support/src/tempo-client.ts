import { z } from 'zod';

// A Tempo HTTP API client written from Tempo's API documentation (api_docs, "Query", "Search",
// "Search tags", "Search tag values", "TraceQL Metrics"), not from Stitch's code: each answer is
// parsed with the shape the docs give (protobuf's JSON mapping: 64-bit integers as strings, 32-bit
// ones as numbers), strictly, so a field of another name or type fails the parse.

const int64String = z.string().regex(/^-?\d+$/, 'a 64-bit integer, as a JSON string');
const hex = (digits: number) => z.string().regex(new RegExp(`^[0-9a-f]{1,${digits}}$`), `lowercase hex, up to ${digits} digits`);
const anyValue = z.union([
  z.strictObject({ stringValue: z.string() }),
  z.strictObject({ intValue: int64String }),
  z.strictObject({ doubleValue: z.number() }),
  z.strictObject({ boolValue: z.boolean() }),
]);
const keyValue = z.strictObject({ key: z.string(), value: anyValue });

const searchSpan = z.strictObject({ spanID: hex(16), name: z.string().optional(), startTimeUnixNano: int64String, durationNanos: int64String, attributes: z.array(keyValue).optional() });
const spanSet = z.strictObject({ spans: z.array(searchSpan), matched: z.number().int(), attributes: z.array(keyValue).optional() });
export const tempoSearchResponse = z.object({
  traces: z.array(
    z.strictObject({
      traceID: hex(32),
      rootServiceName: z.string(),
      rootTraceName: z.string().optional(),
      startTimeUnixNano: int64String,
      durationMs: z.number().int().positive().optional(),
      spanSet: spanSet.optional(),
      spanSets: z.array(spanSet).optional(),
    }),
  ),
  metrics: z.object({ inspectedTraces: z.number().int().optional(), inspectedBytes: int64String.optional(), totalBlocks: z.number().int().optional(), completedJobs: z.number().int().optional(), totalJobs: z.number().int().optional() }),
});
export const tempoTagsResponse = z.object({ tagNames: z.array(z.string()) });
export const tempoTagsV2Response = z.object({ scopes: z.array(z.strictObject({ name: z.enum(['resource', 'span', 'intrinsic', 'event', 'link', 'instrumentation']), tags: z.array(z.string()) })) });
export const tempoTagValuesResponse = z.object({ tagValues: z.array(z.string()) });
export const tempoTagValuesV2Response = z.object({ tagValues: z.array(z.strictObject({ type: z.enum(['string', 'int', 'float', 'bool', 'duration', 'keyword']), value: z.string() })) });
export const tempoQueryRangeResponse = z.object({
  series: z.array(z.strictObject({ labels: z.array(keyValue), samples: z.array(z.strictObject({ timestampMs: int64String, value: z.number().optional() })), exemplars: z.array(z.unknown()).optional() })),
  metrics: z.object({}).passthrough(),
  status: z.literal('PARTIAL').optional(),
  message: z.string().optional(),
});
/** OTLP trace JSON as Tempo writes it: ids in base64, kinds by name, times as strings. */
const otlpSpan = z.object({ traceId: z.string().regex(/^[A-Za-z0-9+/]+=*$/, 'base64'), spanId: z.string().regex(/^[A-Za-z0-9+/]+=*$/, 'base64'), name: z.string(), kind: z.string().regex(/^SPAN_KIND_/), startTimeUnixNano: int64String, endTimeUnixNano: int64String });
const resourceSpans = z.array(z.object({ resource: z.object({ attributes: z.array(z.object({ key: z.string(), value: z.unknown() })) }), scopeSpans: z.array(z.object({ spans: z.array(otlpSpan) })) }));
export const tempoTraceV1Response = z.strictObject({ batches: resourceSpans });
export const tempoTraceV2Response = z.object({ trace: z.strictObject({ resourceSpans }), status: z.literal('PARTIAL').optional(), message: z.string().optional() });

/** One call of the Tempo API at `baseUrl` (the token as a bearer, as Grafana's data source sends it). */
export async function tempoGet<T extends z.ZodType>(baseUrl: string, path: string, shape: T, token?: string): Promise<z.infer<T>> {
  const response = await fetch(`${baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${text.slice(0, 300)}`);
  const parsed = shape.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`GET ${path}: not the documented shape: ${JSON.stringify(parsed.error.issues.slice(0, 3))} in ${text.slice(0, 500)}`);
  return parsed.data;
}

/** Tempo's JSON trace ids are base64 of the bytes; hex, as search answers them. */
export const base64IdToHex = (id: string) => Buffer.from(id, 'base64').toString('hex');
