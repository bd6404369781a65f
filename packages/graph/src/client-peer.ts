import type { Span } from '@stitch/model';

// Old and new semantic-convention names for "who was called", most specific first.
const PEER_ATTRIBUTES = ['server.address', 'net.peer.name', 'peer.service', 'http.host'] as const;

/** Whom a client span called; the span name stands in when no attribute says. */
export function clientPeerOf(span: Span): string {
  for (const key of PEER_ATTRIBUTES) {
    const value = span.attributes[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return span.name;
}
