const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
/** X-Ray's form of the same 128 bits: version 1, the 8-hex epoch seconds, 24 random hex. */
const XRAY_TRACE_ID = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/;

/** What a user may type for a trace id, for error messages. */
export const TRACE_ID_FORMS = "32 hex digits, or X-Ray's 1-<8 hex>-<24 hex>; not all zero";

// All-zero ids are invalid per W3C trace context and OTLP.
export function isValidTraceId(id: string): boolean {
  return TRACE_ID.test(id) && id !== '0'.repeat(32);
}

export function isValidSpanId(id: string): boolean {
  return SPAN_ID.test(id) && id !== '0'.repeat(16);
}

/**
 * A trace id as users have it (URLs, CLI, search box, X-Ray consoles and logs): 32 hex or the
 * X-Ray form, any case. Returns the canonical lowercase 32-hex id, or null.
 */
export function normalizeTraceId(input: string): string | null {
  const text = input.trim().toLowerCase();
  const xray = XRAY_TRACE_ID.exec(text);
  const id = xray ? `${xray[1]}${xray[2]}` : text;
  return isValidTraceId(id) ? id : null;
}

/** The X-Ray form (`1-<8 hex>-<24 hex>`) of a canonical trace id. */
export function xrayTraceIdOf(id: string): string {
  return `1-${id.slice(0, 8)}-${id.slice(8)}`;
}
