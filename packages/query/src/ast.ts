import type { Nanos, TraceStatus } from '@stitch/model';

/**
 * A parsed filter expression. Every node keeps the column (1-based) it starts at, so later
 * checks can point at the user's text too.
 *
 * Meaning (what every store must implement, and `traceMatches` defines):
 * - at the top, an expression is about a trace: `duration` is the whole trace (first start to
 *   last end), `responsetime` the root span's; every other condition holds when some span of the
 *   trace satisfies it, so `NOT fault` means "no span has a fault";
 * - `service("x") { e }` holds when one span of service x satisfies all of `e`, and
 *   `edge("a", "b") { e }` when one span of service b whose parent is a span of service a does;
 *   inside the braces `duration` and `responsetime` are that span's own.
 * - a comparison on something a span lacks (no HTTP status, no such annotation) is false.
 * - `trace.status = v` is about the trace, never a span: v is what the trace's caller saw, the
 *   outcome of its root (the earliest parentless span) by the flags' definitions: ok, error (a
 *   4xx) or fault (a 5xx, or an error status without a 4xx); unknown while no parentless span has
 *   arrived. So `trace.status = ok AND fault` is a request that succeeded with a span that
 *   failed inside (a retried 503), and `fault` alone any trace with such a span. `!=` is NOT `=`
 *   (`trace.status != ok` includes unknown). Not allowed inside braces.
 * - `peer("api.stripe.com")` holds for a span that is a call (client or producer) to that
 *   inferred peer (`inferPeer`, the service map's identity), anywhere a span condition may be.
 */
export type FilterExpr = AndExpr | OrExpr | NotExpr | FlagExpr | CompareExpr | ServiceExpr | EdgeExpr | TraceStatusExpr | PeerExpr;

export interface AndExpr {
  type: 'and';
  column: number;
  left: FilterExpr;
  right: FilterExpr;
}

export interface OrExpr {
  type: 'or';
  column: number;
  left: FilterExpr;
  right: FilterExpr;
}

export interface NotExpr {
  type: 'not';
  column: number;
  expr: FilterExpr;
}

/** fault: a 5xx, or an error status without a 4xx; error: a 4xx; throttle: a 429; ok: neither error nor fault. */
export const FLAGS = ['fault', 'error', 'throttle', 'ok'] as const;
export type Flag = (typeof FLAGS)[number];

export interface FlagExpr {
  type: 'flag';
  column: number;
  flag: Flag;
}

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'beginswith' | 'endswith';
export const ORDER_OPS: readonly CompareOp[] = ['=', '!=', '<', '<=', '>', '>='];
export const TEXT_OPS: readonly CompareOp[] = ['=', '!=', 'contains', 'beginswith', 'endswith'];

/** The typed comparisons the parser produces: the field decides the type of the value. */
export type CompareExpr =
  | { type: 'compare'; column: number; field: 'duration' | 'responsetime'; op: CompareOp; value: Nanos }
  | { type: 'compare'; column: number; field: 'http.status'; op: CompareOp; value: number }
  | { type: 'compare'; column: number; field: TextField; op: CompareOp; value: string }
  | { type: 'compare'; column: number; field: 'annotation'; key: string; op: CompareOp; value: string | number | boolean };

/** Span facts compared as text. `account` matches the account's id or its label. */
export const TEXT_FIELDS = ['http.url', 'http.method', 'http.route', 'name', 'kind', 'account'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

export interface ServiceExpr {
  type: 'service';
  column: number;
  service: string;
  body: FilterExpr | null;
}

/**
 * A call to the inferred peer named `name` (its identity: "api.stripe.com", "127.0.0.1:33103", a
 * table or topic name; not its label), in `account` when given (the peer's account: for a table
 * or topic, the one its call named, else its caller's).
 */
export interface PeerExpr {
  type: 'peer';
  column: number;
  name: string;
  account: string | null;
}

export interface EdgeExpr {
  type: 'edge';
  column: number;
  from: string;
  to: string;
  body: FilterExpr | null;
}

/** `trace.status = fault`: see the meaning above. */
export interface TraceStatusExpr {
  type: 'traceStatus';
  column: number;
  op: '=' | '!=';
  value: TraceStatus;
}
