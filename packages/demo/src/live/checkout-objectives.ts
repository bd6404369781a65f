import { postToCentral } from './central-api.ts';

/** The SLO names the demo creates (the console's /slos and `stitch slo` list them). */
export const CHECKOUT_SLO_NAME = 'checkout p99 < 2 s';
export const PAYMENTS_SLO_NAME = 'payments succeed';

export interface CheckoutObjectives {
  checkoutSloId: string;
  paymentsSloId: string;
  alarmId: string;
}

/**
 * The operators' promise of shared/PRODUCT.md, on central at the demo's start: "checkout p99
 * under 2 s" over 7 days (measured where the shopper's request enters, the gateway's
 * POST /checkout), payments answering without a fault 99.9 % of the time over 30 days, and a
 * burn-rate alarm on the first (the standard fast burn: 14.4 × over both the last hour and the
 * last 5 minutes) notifying `webhooks`, if any. The 2 % Stripe tail burns the budget about 2 ×
 * as fast as it lasts; `--tail 25` burns it ~25 × and fires the alarm within a couple of minutes.
 */
export async function addCheckoutObjectives(centralUrl: string, webhooks: readonly string[]): Promise<CheckoutObjectives> {
  type SloAnswer = { slo: { id: string } };
  const checkout = await postToCentral<SloAnswer>(
    centralUrl,
    '/api/slos',
    { name: CHECKOUT_SLO_NAME, selector: { service: 'edge-gateway', operation: 'POST /checkout' }, objective: { kind: 'latency', thresholdMs: 2_000 }, target: 0.99, windowDays: 7 },
    `the SLO "${CHECKOUT_SLO_NAME}"`,
  );
  const payments = await postToCentral<SloAnswer>(
    centralUrl,
    '/api/slos',
    { name: PAYMENTS_SLO_NAME, selector: { service: 'payments', operation: 'POST /charges' }, objective: { kind: 'success' }, target: 0.999, windowDays: 30 },
    `the SLO "${PAYMENTS_SLO_NAME}"`,
  );
  const alarm = await postToCentral<{ alarm: { id: string } }>(
    centralUrl,
    '/api/alarms',
    { name: `${CHECKOUT_SLO_NAME}: error budget burning fast`, condition: { kind: 'burnRate', sloId: checkout.slo.id }, webhooks },
    'the burn-rate alarm',
  );
  return { checkoutSloId: checkout.slo.id, paymentsSloId: payments.slo.id, alarmId: alarm.alarm.id };
}
