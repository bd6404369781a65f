import { postToCentral } from './central-api.ts';

/**
 * The demo's synthetic canary: the shopper's checkout through the edge gateway every 30 s, as a
 * journey on central (`/canaries` in the console, `stitch canary`), asserting the p99 promise
 * (201 within 2 s). Its runs are traces of the synthetic account, service canary:checkout.
 */
export async function addCheckoutCanary(centralUrl: string, checkoutUrl: string): Promise<string> {
  const journey = {
    id: 'checkout',
    name: 'checkout',
    everySeconds: 30,
    steps: [
      {
        name: 'place order',
        method: 'POST',
        url: checkoutUrl,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orderId: 'canary', items: 1 }),
        // Longer than a Stripe tail, so a slow checkout fails on its duration, not a timeout.
        timeoutMs: 15_000,
        assertions: [{ status: 201 }, { maxDurationMs: 2_000 }],
      },
    ],
  };
  await postToCentral(centralUrl, '/api/canaries', journey, 'the checkout canary');
  return journey.id;
}
