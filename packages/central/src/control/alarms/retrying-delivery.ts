import type { DeliveryOutcome } from '@stitch/metrics';
import type { SendResult } from './webhook-transport.ts';

export interface RetryPolicy {
  /** Tries after the first (default 3). */
  retries: number;
  /** Wait before the first retry; doubled each time, with jitter (default 500 ms). */
  backoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 3, backoffMs: 500 };

/** Waits `ms`, or less when `stop` fires. */
const sleep = (ms: number, stop: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    stop.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    }
  });

/** Sends until a success, a non-retryable failure, the retries are spent or `stop` fires; never throws. */
export async function deliverWithRetries(url: string, send: () => Promise<SendResult>, policy: RetryPolicy, stop: AbortSignal): Promise<DeliveryOutcome> {
  let attempts = 0;
  for (;;) {
    attempts += 1;
    const result = await send().catch((error: unknown): SendResult => ({ kind: 'retryable', status: null, error: String(error) }));
    if (result.kind === 'success') return { url, outcome: 'delivered', status: result.status, attempts };
    if (result.kind === 'failure' || attempts > policy.retries || stop.aborted) return { url, outcome: 'failed', status: result.status, attempts, error: result.error };
    await sleep(policy.backoffMs * 2 ** (attempts - 1) * (0.75 + Math.random() / 2), stop);
  }
}
