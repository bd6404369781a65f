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
 *   (`trace.status != ok` includes unknown). Inside braces, ANDed at their top, it is lifted out of
 *   them (as TraceQL's `trace:duration` is): `{ a && trace.status = ok }` is `{ a } && trace.status = ok`.
 * - `trace:rootName` and `trace:rootService` (TraceQL's rootName, rootServiceName) compare the name
 *   and service of the trace's root (its earliest parentless span, or its earliest span while that
 *   has not arrived, as its summary shows it); about the trace, as `trace.status` is.
 * - `peer("api.stripe.com")` holds for a span that is a call (client or producer) to that
 *   inferred peer (`inferPeer`, the service map's identity), anywhere a span condition may be.
 * - `{ e }` (a span set, TraceQL's braces) holds when one span satisfies all of `e`: it is
 *   `service("x") { e }` without the service. `{ }` holds for any trace with a span.
 * - an attribute (`span.k`, `resource.k`, `.k`: the span's k where it has one, else its
 *   resource's, as in TraceQL) compares only a value of the literal's type (a string with a string,
 *   a number with a number, a boolean with a boolean): `span.k != "x"` is a span with a string k
 *   other than "x". `= nil` holds where the key is absent (from both, for `.k`), `!= nil` where it
 *   is present with any value. Arrays are matched only by nil.
 * - `event.k`, `event:name`, `event:timeSinceStart` (since the span's start), `link.k`,
 *   `link:traceID`, `link:spanID` hold when one of the span's events (links) meets the comparison;
 *   each condition is met by an event of its own, so `{ event:name = "exception" && event.k = 1 }`
 *   asks for a span with an event named exception and an event with k = 1, which may be two.
 *   `event.k = nil` holds when no event has k (a span without events included), `!= nil` when one has.
 * - `span:childCount` is how many spans of the trace have this span as their parent (0 for a leaf),
 *   counted among the spans read: the trace's, or a metrics query's or discovery's window from its start.
 * - `=~` / `!~`: RE2 syntax, matching the whole value (TraceQL's meaning); `(?i)` ignores case.
 * - `{ a } >> { b }` (TraceQL's structure) holds when some span of b has an ancestor in a; `>` a
 *   parent, `<<` a descendant, `<` a child, `~` a sibling (another span with its parent) in a. `!op`
 *   holds for a span of b that does not stand so, and `&op` selects the spans of both sides that
 *   do, for a chain: `({ a } &>> { b }) > { c }`. Spans relate by their ids, as sent.
 * - `{ e } | by(f) | count() > 3 | avg(duration) > 1s` (a pipeline) holds when the spans
 *   satisfying `e`, grouped by their value of f (spans without one form a group), have a group
 *   meeting every aggregate condition. Without by() the spans form one group. An aggregate of a
 *   field skips spans without it; a group where all lack it meets no condition on it.
 */
export type FilterExpr = AndExpr | OrExpr | NotExpr | FlagExpr | CompareExpr | ServiceExpr | EdgeExpr | TraceStatusExpr | PeerExpr | SpanSetExpr | PipelineExpr | StructureExpr | TraceRootExpr;

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

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'beginswith' | 'endswith' | '=~' | '!~';
export const ORDER_OPS: readonly CompareOp[] = ['=', '!=', '<', '<=', '>', '>='];
export const TEXT_OPS: readonly CompareOp[] = ['=', '!=', 'contains', 'beginswith', 'endswith'];
/** Regular-expression matches, on text only (regex.ts). */
export const MATCH_OPS: readonly CompareOp[] = ['=~', '!~'];

/** The typed comparisons the parser produces: the field decides the type of the value. */
export type CompareExpr =
  | { type: 'compare'; column: number; field: 'duration' | 'responsetime'; op: CompareOp; value: Nanos }
  | { type: 'compare'; column: number; field: 'http.status'; op: CompareOp; value: number }
  | { type: 'compare'; column: number; field: TextField; op: CompareOp; value: string }
  | { type: 'compare'; column: number; field: 'annotation'; key: string; op: CompareOp; value: string | number | boolean }
  | { type: 'compare'; column: number; field: IdField; op: CompareOp; value: string }
  | { type: 'compare'; column: number; field: 'event:name'; op: CompareOp; value: string }
  | { type: 'compare'; column: number; field: 'event:timeSinceStart'; op: CompareOp; value: Nanos }
  | { type: 'compare'; column: number; field: LinkIdField; op: CompareOp; value: string }
  | ChildCountCompare
  | AttributeCompare;

/** `span:childCount > 3` (TraceQL's): how many spans of the trace name this span as their parent, among the spans read. */
export interface ChildCountCompare {
  type: 'compare';
  column: number;
  field: 'span:childCount';
  op: CompareOp;
  value: number;
}

/** The comparisons a span row answers by itself: all but the child count, which reads the span's children. */
export type OwnCompareExpr = Exclude<CompareExpr, ChildCountCompare>;

/**
 * A span's links' trace and span ids (TraceQL's link:traceID, link:spanID): = and !=, to hex
 * written in full, true when one link has (or has not) that id, as for the other event and link conditions.
 */
export const LINK_ID_FIELDS = ['link:traceID', 'link:spanID'] as const;
export type LinkIdField = (typeof LINK_ID_FIELDS)[number];

/** A span's id, its parent's, or its trace's (TraceQL's span:id, span:parentID, trace:id): = and != only, to hex written in full. */
export const ID_FIELDS = ['span:id', 'span:parentID', 'trace:id'] as const;
export type IdField = (typeof ID_FIELDS)[number];

/** Where an attribute is looked up: the span's own, its resource's, or either (TraceQL's `.key`). */
export type AttributeScope = 'span' | 'resource' | 'any';
/** The attributes of a span's events or of its links: a condition holds when one event (link) meets it. */
export type NestedScope = 'event' | 'link';

/** `span.db.system = "postgresql"`; a null value is nil (= absent, != present). */
export interface AttributeCompare {
  type: 'compare';
  column: number;
  field: 'attribute';
  scope: AttributeScope | NestedScope;
  key: string;
  op: CompareOp;
  value: string | number | boolean | null;
}

/**
 * Span facts compared as text. `account` matches the account's id or its label; `http.method`
 * ignores case (a method is a token clients spell either way); `status` is the span's status code
 * (unset, ok, error) and `status.message` its message; `scope.name` and `scope.version` its
 * instrumentation scope's (TraceQL's instrumentation:name and instrumentation:version).
 */
export const TEXT_FIELDS = ['http.url', 'http.method', 'http.route', 'name', 'kind', 'account', 'status', 'status.message', 'scope.name', 'scope.version'] as const;
/**
 * `service` is the span's service, as every view names it: its resource's `service.name`, or
 * `unknown_service` where the resource has none. The language writes it `resource.service.name`
 * (or `.service.name`): compared with text or a pattern, or grouped by, that attribute is this
 * field, which the stores keep in a column of its own (`= nil` still asks about the attribute as sent).
 */
export type TextField = (typeof TEXT_FIELDS)[number] | 'service';

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

/** `{ e }`: one span satisfies `e` (null: any span). */
export interface SpanSetExpr {
  type: 'spanSet';
  column: number;
  body: FilterExpr | null;
}

/** `trace:rootName = "GET /"`, `trace:rootService =~ "front.*"`: see the meaning above. */
export interface TraceRootExpr {
  type: 'traceRoot';
  column: number;
  field: 'name' | 'service';
  op: CompareOp;
  value: string;
}

/** `trace.status = fault`: see the meaning above. */
export interface TraceStatusExpr {
  type: 'traceStatus';
  column: number;
  op: '=' | '!=';
  value: TraceStatus;
}

export const AGGREGATE_FUNCTIONS = ['count', 'avg', 'min', 'max', 'sum'] as const;
export type AggregateFunction = (typeof AGGREGATE_FUNCTIONS)[number];

/** A number a span may carry: its duration (nanoseconds) or a numeric attribute. */
export type SpanNumber = { kind: 'duration' } | { kind: 'attribute'; scope: AttributeScope; key: string };

/** What by() groups spans by: a text field of the span, or an attribute (of any type). */
export type SpanKey = { kind: 'field'; field: Exclude<TextField, 'account'> } | { kind: 'attribute'; scope: AttributeScope; key: string };

/** `count() > 3`, `avg(duration) >= 20ms` (the value in nanoseconds), `max(span.rows) < 10`. */
export interface AggregateCondition {
  column: number;
  fn: AggregateFunction;
  /** Null for count(). */
  of: SpanNumber | null;
  op: CompareOp;
  value: number;
}

/** `{ e } | by(f) | count() > 3 …`: see the meaning above. */
export interface PipelineExpr {
  type: 'pipeline';
  column: number;
  /** The condition on the spans that enter (null: every span). */
  spans: FilterExpr | null;
  by: SpanKey | null;
  conditions: AggregateCondition[];
}

export const STRUCTURAL_OPS = ['>>', '>', '<<', '<', '~', '!>>', '!>', '!<<', '!<', '!~', '&>>', '&>', '&<<', '&<', '&~'] as const;
export type StructuralOp = (typeof STRUCTURAL_OPS)[number];

/** A set of a trace's spans: those meeting a condition (null: all), or those a relation selects from two sets. */
export type SpanSource = { kind: 'spans'; condition: FilterExpr | null } | { kind: 'related'; op: StructuralOp; left: SpanSource; right: SpanSource };

/** `{ a } >> { b }`, chains of them: holds when the set of spans the relation selects is not empty. */
export interface StructureExpr {
  type: 'structure';
  column: number;
  source: SpanSource & { kind: 'related' };
}

export const METRIC_FUNCTIONS = ['rate', 'count_over_time', 'sum_over_time', 'avg_over_time', 'min_over_time', 'max_over_time', 'quantile_over_time', 'histogram_over_time'] as const;
export type MetricFunction = (typeof METRIC_FUNCTIONS)[number];

/**
 * A question about a population of spans over time (TraceQL's metrics queries):
 * `{ status = error } | rate() by (resource.service.name)`,
 * `{ } | quantile_over_time(duration, .5, .99) by (span:name)`. For each step of a window and
 * each group of `by` (spans without a value form a group), of the spans meeting `spans` that
 * started in the step: their number (count_over_time), that per second (rate), the sum, average,
 * least or greatest of `of` over those that have it, its quantiles (nearest rank: the value at
 * position ceil(q × n) of the n in order), or how many fall in each bucket of the duration
 * histogram (histogram_over_time).
 */
export interface MetricsQuery {
  spans: FilterExpr | null;
  fn: MetricFunction;
  /** What is summed, averaged… (null for rate and count_over_time). */
  of: SpanNumber | null;
  /** quantile_over_time's quantiles, each in [0, 1]. */
  quantiles: number[];
  by: SpanKey[];
  /** `| topk(n)` / `| bottomk(n)`: at each step, only the n series with the greatest (least) values keep their point. */
  rank: { fn: 'topk' | 'bottomk'; n: number } | null;
}
