import type { Span } from '@stitch/model';

/** A dependency that reports no spans of its own, named from what its callers recorded. */
export interface InferredPeer {
  /** 'unknown' when the span names nothing but itself. */
  type: 'database' | 'queue' | 'rpc' | 'http' | 'unknown';
  /** Stable identity: the type and the name. */
  name: string;
  /** How views show it: "Stripe (api.stripe.com)", "orders (dynamodb)", "order-events (aws_sns)". */
  label: string;
  /** The account the peer lives in when the caller recorded it (`cloud.account.id`), else ''. */
  account: string;
}

const text = (span: Span, ...keys: string[]): string | null => {
  for (const key of keys) {
    const value = span.attributes[key];
    if (typeof value === 'string' && value !== '') return value;
    if (Array.isArray(value) && typeof value[0] === 'string' && value[0] !== '') return value[0];
  }
  return null;
};

/** The host of a client span's URL, when it has one. */
function urlHost(span: Span): string | null {
  const url = span.http.url ?? text(span, 'url.full', 'http.url');
  if (!url) return null;
  try {
    return new URL(url).hostname || null;
  } catch {
    return null;
  }
}

/**
 * Whom a client or producer span called, as the semantic conventions (old and new names) let
 * us tell: a database and its table, a messaging destination, an RPC service, or an HTTP host
 * (with `peer.service` as its name when set); the span's own name when it says nothing more.
 */
export function inferPeer(span: Span): InferredPeer {
  const account = text(span, 'cloud.account.id') ?? '';
  const dbSystem = text(span, 'db.system', 'db.system.name');
  if (dbSystem) {
    const table = text(span, 'aws.dynamodb.table_names', 'db.collection.name', 'db.sql.table', 'db.name', 'db.namespace');
    const name = table ?? dbSystem;
    return { type: 'database', name, label: table ? `${table} (${dbSystem})` : dbSystem, account };
  }
  const destination = text(span, 'messaging.destination.name', 'messaging.destination');
  if (destination) {
    const system = text(span, 'messaging.system');
    return { type: 'queue', name: destination, label: system ? `${destination} (${system})` : destination, account };
  }
  const rpc = text(span, 'rpc.service');
  if (rpc) return { type: 'rpc', name: rpc, label: rpc, account };
  const host = text(span, 'server.address', 'net.peer.name', 'http.host') ?? urlHost(span);
  const named = text(span, 'peer.service');
  if (!host && !named) return { type: 'unknown', name: span.name, label: span.name, account };
  const name = host ?? named!;
  return { type: 'http', name, label: named && host ? `${named} (${host})` : name, account };
}

/** A call that never expects a span from its peer: databases are not instrumented. */
export function expectsNoCallee(span: Span): boolean {
  return inferPeer(span).type === 'database';
}

/** The path a client span asked for, or a server span answered ('' when unknown). */
export function requestPathOf(span: Span): string {
  const path = text(span, 'url.path', 'http.target');
  if (path) return path.split('?')[0]!;
  const url = span.http.url;
  if (url) {
    try {
      return new URL(url, 'http://peer').pathname;
    } catch {
      return '';
    }
  }
  return '';
}

/** A server's route template (`/stock/:sku`, `/stock/{sku}`) or path against a client's path. */
export function pathMatches(clientPath: string, serverRouteOrPath: string): boolean {
  if (clientPath === '' || serverRouteOrPath === '') return false;
  const wanted = clientPath.split('/');
  const pattern = serverRouteOrPath.split('?')[0]!.split('/');
  if (wanted.length !== pattern.length) return false;
  return pattern.every((part, i) => part === wanted[i] || /^(:\w+|\{[^}]+\}|\*)$/.test(part));
}
