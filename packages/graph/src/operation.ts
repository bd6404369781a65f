import type { Account, Span } from '@stitch/model';

/** What critical time and findings are attributed to: one operation of one service in one account. */
export interface OperationRef {
  account: Account;
  service: string;
  operation: string;
}

export function operationOf(span: Span): OperationRef {
  return { account: span.account, service: span.resource.serviceName, operation: span.name };
}

/** A map key for a ref; the label is left out because the id names the account. */
export function operationKey(ref: OperationRef): string {
  return `${ref.account.id}\u0000${ref.service}\u0000${ref.operation}`;
}

/** `payments › Stripe API call`, the way the console and the CLI name an operation. */
export const operationTitle = (ref: OperationRef): string => `${ref.service} › ${ref.operation}`;
