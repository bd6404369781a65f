import { inferPeer, type Span } from '@stitch/model';

/**
 * Whom a client span called, as the service map shows that peer: "Stripe (api.stripe.com)",
 * "127.0.0.1:33103", "orders (dynamodb)"; the span name when no attribute says.
 */
export function clientPeerOf(span: Span): string {
  return inferPeer(span).label;
}
