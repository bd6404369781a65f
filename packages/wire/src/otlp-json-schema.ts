import { z } from 'zod';

// OTLP/JSON (the protobuf JSON mapping with OTLP's exceptions): ids are hex strings, enums are
// integers, 64-bit integers arrive as decimal strings or numbers. Every field may be absent
// (proto3 defaults) or null. Unknown fields are ignored, as the spec requires of receivers.
// Ids are only checked for type here: a bad id rejects its span, not the whole request.

export const opt = <T extends z.ZodType>(schema: T) => schema.nullish();
export const int64 = z.union([z.string(), z.number()]);

type AnyValueJson = {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: string | number | null;
  doubleValue?: number | string | null;
  arrayValue?: { values?: AnyValueJson[] | null } | null;
  kvlistValue?: { values?: Array<{ key?: string | null; value?: AnyValueJson | null }> | null } | null;
  bytesValue?: string | null;
};

export const anyValue: z.ZodType<AnyValueJson> = z.lazy(() =>
  z.object({
    stringValue: opt(z.string()),
    boolValue: opt(z.boolean()),
    intValue: opt(int64),
    // proto3 JSON spells non-finite doubles as strings ("NaN", "Infinity").
    doubleValue: opt(z.union([z.number(), z.string()])),
    arrayValue: opt(z.object({ values: opt(z.array(anyValue)) })),
    kvlistValue: opt(z.object({ values: opt(z.array(keyValue)) })),
    bytesValue: opt(z.string()),
  }),
);
const keyValue = z.object({ key: opt(z.string()), value: opt(anyValue) });
export const attributes = opt(z.array(keyValue));

// Protobuf's JSON mapping also allows enum names; OTLP emits numbers, both are taken.
const SPAN_KIND_NAMES = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
export const enumOf = (names: string[]) =>
  z.union([z.number().int(), z.enum(names as [string, ...string[]]).transform((name) => names.indexOf(name))]);

const span = z.object({
  traceId: opt(z.string()),
  spanId: opt(z.string()),
  traceState: opt(z.string()),
  parentSpanId: opt(z.string()),
  name: opt(z.string()),
  kind: opt(enumOf(SPAN_KIND_NAMES)),
  startTimeUnixNano: opt(int64),
  endTimeUnixNano: opt(int64),
  attributes,
  events: opt(z.array(z.object({ timeUnixNano: opt(int64), name: opt(z.string()), attributes }))),
  links: opt(z.array(z.object({ traceId: opt(z.string()), spanId: opt(z.string()), traceState: opt(z.string()), attributes }))),
  status: opt(z.object({ code: opt(enumOf(STATUS_NAMES)), message: opt(z.string()) })),
});

export const otlpTraceRequestJson = z.object({
  resourceSpans: opt(
    z.array(
      z.object({
        resource: opt(z.object({ attributes })),
        scopeSpans: opt(z.array(z.object({ scope: opt(z.object({ name: opt(z.string()), version: opt(z.string()) })), spans: opt(z.array(span)) }))),
      }),
    ),
  ),
});
