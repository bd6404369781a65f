import type { DeliveryOutcome } from '@stitch/metrics';
import type { AlarmEvent } from './alarm-event.ts';
import { deliverWithRetries, type RetryPolicy } from './retrying-delivery.ts';
import { postJson } from './webhook-transport.ts';
import { shownUrl } from './webhook-url.ts';

export interface FanOutOptions extends RetryPolicy {
  /** Per request (default 5 s). */
  timeoutMs: number;
}

/**
 * One event to every receiver at once, each with its own timeout and retries: a receiver that
 * fails or hangs delays only its own outcome. Outcomes come back in the order of `urls`.
 */
export async function fanOut(urls: readonly string[], event: AlarmEvent, options: FanOutOptions, stop: AbortSignal): Promise<DeliveryOutcome[]> {
  const body = JSON.stringify(event);
  const headers = { 'idempotency-key': event.eventId };
  return Promise.all(
    urls.map(async (url) => ({ ...(await deliverWithRetries(url, () => postJson(url, body, headers, options.timeoutMs, stop), options, stop)), url: shownUrl(url) })),
  );
}
