import type { PartialJson } from '@stitch/api';
import { describePartial } from '../partial-answer.ts';

/**
 * Above an answer that some accounts did not answer (federated mode): which, why, and what that
 * leaves out (`effect`). A status, not an alert: the page still shows what the others answered.
 */
export function PartialBanner({ partial, effect }: { partial: PartialJson | undefined; effect?: string }) {
  if (!partial) return null;
  const text = describePartial(partial, effect);
  if (text === '') return null;
  return (
    <div class="partial-banner" role="status" data-partial data-missing-accounts={partial.missingAccounts.map((account) => account.accountId).join(' ')}>
      <strong>Partial result:</strong> {text}
    </div>
  );
}
