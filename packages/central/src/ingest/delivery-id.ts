import { ApiError } from '@stitch/http';
import type { Account } from '@stitch/model';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A sender that retries (the agent, from its spool) names each delivery with an Idempotency-Key
 * (`key`: the header's or gRPC metadata's value; `discard` drops a body refused for it);
 * the key is scoped to the credential's account, so one account cannot suppress another's data.
 */
export function deliveryIdOf(key: string | string[] | undefined, account: Account, discard: () => void = () => {}): string | undefined {
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    discard();
    throw new ApiError(400, 'idempotency-key: expected 1 to 128 letters, digits, ".", "_", ":" or "-"');
  }
  return `${account.id}/${key}`;
}
