import { ApiError } from '@stitch/http';
import { DURATION_UNIT_NANOS, MAX_DURATION_NANOS, nanos, NANOS_PER_MILLI, isValidSpanId, normalizeTraceId, TRACE_ID_FORMS, type Nanos } from '@stitch/model';
import { FilterSyntaxError, parseFilter, type FilterExpr } from '@stitch/query';

const DURATION = /^(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m|h)?$/;

/** "8s", "200ms", "1.5m"; a bare number means milliseconds, as in Jaeger's and Tempo's APIs. */
export function parseDuration(name: string, text: string): Nanos {
  const match = DURATION.exec(text.trim());
  if (!match) throw new ApiError(400, `${name}: "${text}" is not a duration (examples: 8s, 200ms, 1.5m, 250 = milliseconds)`);
  const value = Number(match[1]) * DURATION_UNIT_NANOS[match[2] ?? 'ms']!;
  if (!Number.isFinite(value) || value > MAX_DURATION_NANOS) throw new ApiError(400, `${name}: "${text}" is out of range`);
  return nanos(BigInt(Math.round(value)));
}

/** A trace id in either form users have it (32 hex or X-Ray's), as the canonical 32 hex; anything else is a 400 naming the field. */
export function parseTraceId(name: string, text: string): string {
  const id = normalizeTraceId(text);
  if (!id) throw new ApiError(400, `${name}: ${JSON.stringify(text.slice(0, 80))} is not a trace id (${TRACE_ID_FORMS})`);
  return id;
}

/** 16 hex digits, as a span id is written everywhere (lowercased). */
export function parseSpanId(name: string, text: string): string {
  const id = text.trim().toLowerCase();
  if (!isValidSpanId(id)) throw new ApiError(400, `${name}: ${JSON.stringify(text.slice(0, 80))} is not a span id (16 hex digits)`);
  return id;
}

/** Unix milliseconds (what browsers and `date +%s%3N` give) or an ISO-8601 timestamp. */
export function parseTime(name: string, text: string): Nanos {
  const trimmed = text.trim();
  const ms = /^\d{1,16}$/.test(trimmed) ? Number(trimmed) : Date.parse(trimmed);
  if (!Number.isFinite(ms) || ms < 0) throw new ApiError(400, `${name}: "${text}" is not a time (unix milliseconds or ISO-8601)`);
  // Stores keep signed 64-bit nanoseconds: a later time failed the query in the store (a 503).
  if (ms > LATEST_MS) throw new ApiError(400, `${name}: "${text}" is after 2262-04-11, the latest time the store holds`);
  return nanos(BigInt(Math.trunc(ms)) * NANOS_PER_MILLI);
}

const LATEST_MS = Number((2n ** 63n - 1n) / NANOS_PER_MILLI);

export function parseLimit(text: string | null, fallback: number, max: number): number {
  if (text === null) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new ApiError(400, `limit: must be an integer from 1 to ${max}, got "${text}"`);
  return value;
}

/** A filter expression; a syntax error is a 400 that names the parameter and the column. */
export function parseFilterParam(name: string, text: string): FilterExpr {
  try {
    return parseFilter(text);
  } catch (error) {
    if (!(error instanceof FilterSyntaxError)) throw error;
    throw new ApiError(400, `${name}: ${error.message}`, { cause: error, details: { column: error.column } });
  }
}

/** true/false (or 1/0); absent means false. */
export function parseFlag(name: string, text: string | null): boolean {
  if (text === null || text === 'false' || text === '0') return false;
  if (text === 'true' || text === '1' || text === '') return true;
  throw new ApiError(400, `${name}: "${text.slice(0, 40)}" is not true or false`);
}
