/** How one POST to a webhook went: retrying is the caller's decision, made from this. */
export type SendResult =
  | { kind: 'success'; status: number }
  /** The receiver refused the event itself (a 4xx): sending it again would not help. */
  | { kind: 'failure'; status: number | null; error: string }
  /** A 5xx, a 408 or 429, a timeout or a network error: worth another try. */
  | { kind: 'retryable'; status: number | null; error: string };

/**
 * POSTs `body` as JSON to `url`, giving up after `timeoutMs` (a hanging receiver holds nothing
 * else up), or at once when `stop` fires (central closing).
 */
export async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number, stop: AbortSignal): Promise<SendResult> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'stitch-alarms', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stop]),
    });
    await response.body?.cancel().catch(() => {});
    if (response.status >= 200 && response.status < 300) return { kind: 'success', status: response.status };
    const error = `answered ${response.status}`;
    if (response.status >= 500 || response.status === 408 || response.status === 429) return { kind: 'retryable', status: response.status, error };
    return { kind: 'failure', status: response.status, error };
  } catch (error) {
    if (stop.aborted) return { kind: 'failure', status: null, error: 'central stopped before an answer' };
    const timedOut = (error as Error).name === 'TimeoutError';
    return { kind: 'retryable', status: null, error: timedOut ? `no answer within ${timeoutMs} ms` : String((error as Error).cause ?? (error as Error).message) };
  }
}
