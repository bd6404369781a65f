import type { AttributeValue, Span } from './span.ts';

/**
 * A dependency that reports no spans of its own, named from what its callers recorded. The one
 * definition of a peer's identity: the service map counts calls under it, and the stores keep it
 * per call span (SpanBatch.peerName, peerAccount) so the filter `peer("…")` finds exactly those calls.
 */
export interface InferredPeer {
  /** 'unknown' when the span names nothing but itself. */
  type: 'database' | 'queue' | 'rpc' | 'http' | 'unknown';
  /** Stable identity with the type and the account: "api.stripe.com", "127.0.0.1:33103", "orders". */
  name: string;
  /** How views show it: "Stripe (api.stripe.com)", "orders (dynamodb)", "order-events (aws_sns)". */
  label: string;
  /**
   * The account the peer lives in: the one the call names (`cloud.account.id` on the span); for a
   * database or a queue without one, the caller's own (its resource's `cloud.account.id`, else its
   * account), since two accounts' tables of one name are two tables. '' for HTTP, RPC and unknown
   * peers the call does not place: an external API is one node whoever calls it.
   */
  account: string;
}

/** The first of `keys` holding a non-empty string (or a list starting with one). */
export function stringAttribute(attributes: Span['attributes'], ...keys: string[]): string | null {
  for (const key of keys) {
    const value = attributes[key];
    if (typeof value === 'string' && value !== '') return value;
    if (Array.isArray(value) && typeof value[0] === 'string' && value[0] !== '') return value[0];
  }
  return null;
}

const portOf = (value: AttributeValue | undefined): number | null => {
  const port = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : null;
  return port !== null && Number.isInteger(port) && port > 0 && port < 65_536 ? port : null;
};

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443 };

/** A client span's URL, when it has one that parses. */
function urlOf(span: Span): URL | null {
  const url = span.http.url ?? stringAttribute(span.attributes, 'url.full', 'http.url');
  if (!url) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Host and port of an HTTP call: the port only when one is known (`server.port`, `net.peer.port`,
 * the URL's) and is not its scheme's default, so a queue and an API on one host are two peers.
 */
function addressOf(span: Span): string | null {
  const url = urlOf(span);
  const host = stringAttribute(span.attributes, 'server.address', 'net.peer.name', 'http.host') ?? (url?.hostname || null);
  if (!host) return null;
  const attributePort = portOf(span.attributes['server.port']) ?? portOf(span.attributes['net.peer.port']);
  const port = attributePort ?? (url && url.hostname === host && url.port !== '' ? Number(url.port) : null);
  if (port === null || host.includes(':')) return host;
  const scheme = (stringAttribute(span.attributes, 'url.scheme', 'http.scheme') ?? url?.protocol.replace(/:$/, '') ?? '').toLowerCase();
  const isDefault = scheme in DEFAULT_PORTS ? DEFAULT_PORTS[scheme] === port : port === 80 || port === 443;
  return isDefault ? host : `${host}:${port}`;
}

/**
 * The AWS resource an X-Ray SDK subsegment called (its `aws` fields, as `aws.*` attributes): a
 * DynamoDB table, an SQS queue (its URL names the account), an SNS topic (its ARN does).
 */
function awsResourceOf(span: Span): InferredPeer | null {
  const table = stringAttribute(span.attributes, 'aws.table_name');
  if (table) return { type: 'database', name: table, label: `${table} (dynamodb)`, account: '' };
  const queueUrl = stringAttribute(span.attributes, 'aws.queue_url');
  const queue = queueUrl?.match(/\/(\d{12})\/([^/?#]+)\/?$/);
  if (queue) return { type: 'queue', name: queue[2]!, label: `${queue[2]} (aws_sqs)`, account: queue[1]! };
  const topic = stringAttribute(span.attributes, 'aws.topic_arn')?.match(/^arn:[^:]+:sns:[^:]*:(\d{12}):([^:]+)$/);
  if (topic) return { type: 'queue', name: topic[2]!, label: `${topic[2]} (aws_sns)`, account: topic[1]! };
  return null;
}

/** The database an X-Ray SQL subsegment's connection URL names ("jdbc:postgresql://db:5432/orders" → orders). */
function databaseOfUrl(span: Span): string | null {
  const url = stringAttribute(span.attributes, 'db.url');
  const name = url?.replace(/^jdbc:/, '').match(/^[a-z][\w+.-]*:\/\/[^/]+\/([^/?;#]+)/i)?.[1];
  return name || null;
}

/**
 * Whom a client or producer span called, as the semantic conventions (old and new names) let
 * us tell: a database and its table, a messaging destination, an RPC service, or an HTTP host
 * and port (with `peer.service` in its label when set, as its name when nothing else names it);
 * the span's own name when it says nothing more.
 */
export function inferPeer(span: Span): InferredPeer {
  const named = stringAttribute(span.attributes, 'cloud.account.id');
  const callers = () => named ?? stringAttribute(span.resource.attributes, 'cloud.account.id') ?? span.account.id;
  const aws = awsResourceOf(span);
  if (aws) return { ...aws, account: aws.account || callers() };
  // The X-Ray SDK's SQL subsegments: `sql` as db.url, db.database_type.
  const dbSystem = stringAttribute(span.attributes, 'db.system', 'db.system.name', 'db.database_type');
  if (dbSystem) {
    const table = stringAttribute(span.attributes, 'aws.dynamodb.table_names', 'db.collection.name', 'db.sql.table', 'db.name', 'db.namespace') ?? databaseOfUrl(span);
    return { type: 'database', name: table ?? dbSystem, label: table ? `${table} (${dbSystem})` : dbSystem, account: callers() };
  }
  const destination = stringAttribute(span.attributes, 'messaging.destination.name', 'messaging.destination');
  if (destination) {
    const system = stringAttribute(span.attributes, 'messaging.system');
    return { type: 'queue', name: destination, label: system ? `${destination} (${system})` : destination, account: callers() };
  }
  const account = named ?? '';
  const rpc = stringAttribute(span.attributes, 'rpc.service');
  if (rpc) return { type: 'rpc', name: rpc, label: rpc, account };
  const address = addressOf(span);
  const service = stringAttribute(span.attributes, 'peer.service');
  if (!address && !service) return { type: 'unknown', name: span.name, label: span.name, account };
  const name = address ?? service!;
  return { type: 'http', name, label: service && address ? `${service} (${address})` : name, account };
}

/** The peer a span called, for the calls that have one (client and producer spans); else null. */
export function calledPeerOf(span: Span): InferredPeer | null {
  return span.kind === 'client' || span.kind === 'producer' ? inferPeer(span) : null;
}
