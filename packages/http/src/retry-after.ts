/** A Retry-After header (delta-seconds, or an HTTP date) as milliseconds from `nowMs`; null when absent or unreadable. */
export function retryAfterMs(header: string | undefined, nowMs = Date.now()): number | null {
  if (header === undefined || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1_000 : null;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
