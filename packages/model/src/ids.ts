const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

// All-zero ids are invalid per W3C trace context and OTLP.
export function isValidTraceId(id: string): boolean {
  return TRACE_ID.test(id) && id !== '0'.repeat(32);
}

export function isValidSpanId(id: string): boolean {
  return SPAN_ID.test(id) && id !== '0'.repeat(16);
}

/** Accepts any hex case from users (URLs, CLI) and returns the canonical lowercase id, or null. */
export function normalizeTraceId(input: string): string | null {
  const id = input.trim().toLowerCase();
  return isValidTraceId(id) ? id : null;
}
