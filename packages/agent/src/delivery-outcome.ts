import { retryAfterMs } from '@stitch/http';

/** What sending one spooled batch to central came to: the spool scheduler acts on it, the transport never retries. */
export type DeliveryOutcome =
  /** Central took the batch: it leaves the spool. */
  | { kind: 'delivered' }
  /** Central will never take these bytes (a revoked link, a batch it cannot read): it leaves the spool, counted. */
  | { kind: 'refused'; status: number; reason: string }
  /** Central could not take it now (down, busy, slow): it stays spooled and goes again, not before `retryAfterMs` when central named a wait. */
  | { kind: 'retryable'; status: number | null; reason: string; retryAfterMs: number | null };

/** Central's answer to one POST, or the error that stood in for an answer (no connection, a reset, a timeout). */
export type CentralAnswer = { status: number; retryAfter: string | undefined; body: string } | { error: Error };

/**
 * 2xx is delivered. No answer, 408 (central timed the request out), 429 and 5xx are retryable:
 * central asks for time when its store is behind, and waiting is what lets it catch up. Any other
 * answer (4xx, an unexpected 3xx) is refused: sending the same bytes again would not help.
 */
export function classifyAnswer(answer: CentralAnswer, nowMs = Date.now()): DeliveryOutcome {
  if ('error' in answer) return { kind: 'retryable', status: null, reason: `central unreachable (${answer.error.message})`, retryAfterMs: null };
  const { status, retryAfter } = answer;
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 408 || status === 429 || status >= 500) {
    return { kind: 'retryable', status, reason: `central answered ${status}${retryAfter ? ` (retry after ${retryAfter}${Number.isFinite(Number(retryAfter)) ? ' s' : ''})` : ''}`, retryAfterMs: retryAfterMs(retryAfter, nowMs) };
  }
  return { kind: 'refused', status, reason: errorMessageOf(answer.body) };
}

/** Central's error answer is JSON ({ message } or { error }); anything else is quoted as it came, shortened. */
function errorMessageOf(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    return String(body.message ?? body.error ?? text).slice(0, 300);
  } catch {
    return text.slice(0, 300);
  }
}
