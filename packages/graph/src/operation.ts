import type { Account, Span } from '@stitch/model';
import { inferPeer } from './service-map/peers.ts';

/** What critical time and findings are attributed to: one operation of one service in one account (a call: to one peer). */
export interface OperationRef {
  account: Account;
  service: string;
  operation: string;
  /**
   * Whom a client or producer span called, labelled as the map labels inferred peers ("Stripe
   * (api.stripe.com)"); null for other spans. Stock HTTP clients name every call "POST": the peer tells them apart.
   */
  peer: string | null;
}

export function operationOf(span: Span): OperationRef {
  return { account: span.account, service: span.resource.serviceName, operation: span.name, peer: peerOf(span) };
}

export function peerOf(span: Span): string | null {
  if (span.kind !== 'client' && span.kind !== 'producer') return null;
  const peer = inferPeer(span);
  return peer.type === 'unknown' ? null : peer.label;
}

/** A map key for a ref; the label is left out because the id names the account. */
export function operationKey(ref: OperationRef): string {
  return `${ref.account.id}\u0000${ref.service}\u0000${ref.operation}\u0000${ref.peer ?? ''}`;
}

/** `payments › POST → Stripe (api.stripe.com)`, the way the console and the CLI name an operation. */
export const operationTitle = (ref: OperationRef): string => `${ref.service} › ${ref.operation}${ref.peer ? ` → ${ref.peer}` : ''}`;
