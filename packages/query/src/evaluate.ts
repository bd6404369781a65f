import { annotationsOf, calledPeerOf, isStoredNumber, spanDuration, traceBoundsOf, traceStatusOf, type Attributes, type Span, type TraceStatus } from '@stitch/model';
import type { AggregateCondition, AttributeCompare, AttributeScope, CompareOp, FilterExpr, OwnCompareExpr, PipelineExpr, SpanKey, SpanNumber } from './ast.ts';
import { matchesPattern } from './regex.ts';
import { spanHasFlag } from './span-flags.ts';
import { selectSpans } from './structure.ts';

/** What the trace-level conditions need, computed once per trace. */
interface TraceView {
  spans: readonly Span[];
  /** The earliest parentless span, or the earliest span while none has arrived. */
  root: Span;
  durationNanos: bigint;
  rootDurationNanos: bigint;
  status: TraceStatus;
  serviceOf: Map<string, string>;
  family: SpanFamily;
}

/** The spans a condition on one span is judged among: where `span:childCount` counts a span's children. */
export class SpanFamily {
  private children: Map<string, number> | null = null;

  constructor(private readonly spans: readonly Span[]) {}

  /** How many of the spans name `span` as their parent, in its trace (counted on first use). */
  childCount(span: Span): number {
    if (this.children === null) {
      this.children = new Map();
      for (const { traceId, parentSpanId } of this.spans) {
        if (parentSpanId === null) continue;
        const key = `${traceId}/${parentSpanId}`;
        this.children.set(key, (this.children.get(key) ?? 0) + 1);
      }
    }
    return this.children.get(`${span.traceId}/${span.spanId}`) ?? 0;
  }
}

/**
 * Whether a trace matches: the reference meaning of the language (see ast.ts). The in-memory
 * store uses it, and the SQL stores are tested against it.
 */
export function traceMatches(expr: FilterExpr, spans: readonly Span[]): boolean {
  const trace = traceViewOf(spans);
  return trace !== null && onTrace(expr, trace);
}

function traceViewOf(spans: readonly Span[]): TraceView | null {
  const bounds = traceBoundsOf(spans);
  if (!bounds) return null;
  const serviceOf = new Map<string, string>();
  for (const span of spans) if (!serviceOf.has(span.spanId)) serviceOf.set(span.spanId, span.resource.serviceName);
  return { spans, root: bounds.root, durationNanos: bounds.endNanos - bounds.startNanos, rootDurationNanos: spanDuration(bounds.root), status: traceStatusOf(bounds), serviceOf, family: new SpanFamily(spans) };
}

/**
 * The spans a match of `expr` is made of, in a trace it matches: TraceQL's resulting span set
 * (what Tempo's search returns as a trace's `spanSet`). Both sides of `&&`, the sides of `||`
 * that hold, the spans a span condition or a structural relation selects, the spans of the
 * groups a pipeline keeps; none for a negation or a condition on the whole trace.
 */
export function matchedSpans(expr: FilterExpr, spans: readonly Span[]): Span[] {
  const trace = traceViewOf(spans);
  if (trace === null || !onTrace(expr, trace)) return [];
  const matched = new Set<Span>();
  collectMatched(expr, trace, matched);
  return spans.filter((span) => matched.has(span));
}

function collectMatched(expr: FilterExpr, trace: TraceView, into: Set<Span>): void {
  const add = (keep: (span: Span) => boolean) => {
    for (const span of trace.spans) if (keep(span)) into.add(span);
  };
  switch (expr.type) {
    case 'and':
      collectMatched(expr.left, trace, into);
      collectMatched(expr.right, trace, into);
      return;
    case 'or':
      for (const side of [expr.left, expr.right]) if (onTrace(side, trace)) collectMatched(side, trace, into);
      return;
    case 'service':
      return add((span) => span.resource.serviceName === expr.service && (expr.body === null || onSpan(expr.body, span, trace.family)));
    case 'spanSet':
      return add((span) => expr.body === null || onSpan(expr.body, span, trace.family));
    case 'structure':
      for (const span of selectSpans(expr.source, trace.spans, (set, span) => set.condition === null || onSpan(set.condition, span, trace.family))) into.add(span);
      return;
    case 'pipeline':
      for (const group of keptGroups(expr, trace.spans, trace.family)) for (const span of group) into.add(span);
      return;
    case 'edge':
      return add((span) => span.resource.serviceName === expr.to && span.parentSpanId !== null && trace.serviceOf.get(span.parentSpanId) === expr.from && (expr.body === null || onSpan(expr.body, span, trace.family)));
    case 'compare':
      if (expr.field === 'duration' || expr.field === 'responsetime') return;
      return add((span) => onSpan(expr, span, trace.family));
    case 'flag':
    case 'peer':
      return add((span) => onSpan(expr, span, trace.family));
    case 'not':
    case 'traceStatus':
    case 'traceRoot':
      return;
  }
}

function onTrace(expr: FilterExpr, trace: TraceView): boolean {
  switch (expr.type) {
    case 'and':
      return onTrace(expr.left, trace) && onTrace(expr.right, trace);
    case 'or':
      return onTrace(expr.left, trace) || onTrace(expr.right, trace);
    case 'not':
      return !onTrace(expr.expr, trace);
    case 'service':
      return trace.spans.some((span) => span.resource.serviceName === expr.service && (expr.body === null || onSpan(expr.body, span, trace.family)));
    case 'spanSet':
      return trace.spans.some((span) => expr.body === null || onSpan(expr.body, span, trace.family));
    case 'pipeline':
      return pipelineMatches(expr, trace.spans, trace.family);
    case 'structure':
      return selectSpans(expr.source, trace.spans, (set, span) => set.condition === null || onSpan(set.condition, span, trace.family)).size > 0;
    case 'edge':
      return trace.spans.some(
        (span) =>
          span.resource.serviceName === expr.to &&
          span.parentSpanId !== null &&
          trace.serviceOf.get(span.parentSpanId) === expr.from &&
          (expr.body === null || onSpan(expr.body, span, trace.family)),
      );
    case 'compare':
      if (expr.field === 'duration') return compareOrdered(trace.durationNanos, expr.op, expr.value);
      if (expr.field === 'responsetime') return compareOrdered(trace.rootDurationNanos, expr.op, expr.value);
      return trace.spans.some((span) => onSpan(expr, span, trace.family));
    case 'flag':
    case 'peer':
      return trace.spans.some((span) => onSpan(expr, span, trace.family));
    case 'traceStatus':
      return (trace.status === expr.value) === (expr.op === '=');
    case 'traceRoot':
      return compareText(expr.field === 'name' ? trace.root.name : trace.root.resource.serviceName, expr.op, expr.value);
  }
}

function onSpan(expr: FilterExpr, span: Span, family: SpanFamily): boolean {
  switch (expr.type) {
    case 'and':
      return onSpan(expr.left, span, family) && onSpan(expr.right, span, family);
    case 'or':
      return onSpan(expr.left, span, family) || onSpan(expr.right, span, family);
    case 'not':
      return !onSpan(expr.expr, span, family);
    case 'flag':
      return spanHasFlag(span, expr.flag);
    case 'compare':
      return expr.field === 'span:childCount' ? compareOrdered(family.childCount(span), expr.op, expr.value) : compareSpan(expr, span);
    case 'peer': {
      const peer = calledPeerOf(span);
      return peer !== null && peer.name === expr.name && (expr.account === null || peer.account === expr.account);
    }
    case 'service':
    case 'edge':
    case 'traceStatus':
    case 'traceRoot':
    case 'spanSet':
    case 'pipeline':
    case 'structure':
      // The parser refuses these inside braces, or lifts them out.
      throw new Error(`${expr.type}() inside a span scope`);
  }
}

function compareSpan(expr: OwnCompareExpr, span: Span): boolean {
  switch (expr.field) {
    case 'duration':
    case 'responsetime':
      return compareOrdered(spanDuration(span), expr.op, expr.value);
    case 'http.status':
      return span.http.statusCode !== null && compareOrdered(span.http.statusCode, expr.op, expr.value);
    case 'http.method':
      // Methods compare without case (ast.ts); a pattern sees the method as sent.
      return expr.op === '=~' || expr.op === '!~' ? compareText(span.http.method, expr.op, expr.value) : compareText(span.http.method?.toUpperCase() ?? null, expr.op, expr.value.toUpperCase());
    case 'http.url':
    case 'http.route':
    case 'name':
    case 'kind':
    case 'status':
    case 'status.message':
    case 'scope.name':
    case 'scope.version':
    case 'service':
      return compareText(textFieldOf(span, expr.field), expr.op, expr.value);
    case 'attribute':
      return compareAttribute(expr, span);
    case 'span:id':
      return compareText(span.spanId, expr.op, expr.value);
    case 'span:parentID':
      return compareText(span.parentSpanId, expr.op, expr.value);
    case 'trace:id':
      return compareText(span.traceId, expr.op, expr.value);
    case 'event:name':
      return span.events.some((event) => compareText(event.name, expr.op, expr.value));
    case 'event:timeSinceStart':
      return span.events.some((event) => compareOrdered(event.timeUnixNano - span.startTimeUnixNano, expr.op, expr.value));
    case 'link:traceID':
      return span.links.some((link) => compareText(link.traceId, expr.op, expr.value));
    case 'link:spanID':
      return span.links.some((link) => compareText(link.spanId, expr.op, expr.value));
    case 'account':
      // != means neither the id nor the label is the value.
      if (expr.op === '!=') return !(span.account.id === expr.value || span.account.label === expr.value);
      return compareText(span.account.id, expr.op, expr.value) || compareText(span.account.label, expr.op, expr.value);
    case 'annotation': {
      const found = annotationsOf(span.attributes).find(([key]) => key === expr.key);
      if (!found) return false;
      const actual = found[1];
      if (typeof expr.value === 'string') return typeof actual === 'string' && compareText(actual, expr.op, expr.value);
      if (typeof expr.value === 'number') return typeof actual === 'number' && compareOrdered(actual, expr.op, expr.value);
      return typeof actual === 'boolean' && (expr.op === '=' ? actual === expr.value : actual !== expr.value);
    }
  }
}

/** The attributes `scope.key` is looked up in: for `.key`, the span's where it has the key, else its resource's. */
function attributeOwner(span: Span, scope: AttributeScope, key: string): Attributes {
  if (scope === 'span') return span.attributes;
  if (scope === 'resource') return span.resource.attributes;
  return Object.hasOwn(span.attributes, key) ? span.attributes : span.resource.attributes;
}

function attributeValue(span: Span, scope: AttributeScope, key: string): Attributes[string] | undefined {
  const owner = attributeOwner(span, scope, key);
  return Object.hasOwn(owner, key) ? owner[key] : undefined;
}


/** An attribute compared with a literal of its own type (ast.ts); nil is absence. An event's or a link's: one of them meets it. */
function compareAttribute(expr: AttributeCompare, span: Span): boolean {
  if (expr.scope === 'event' || expr.scope === 'link') {
    const owners = expr.scope === 'event' ? span.events : span.links;
    // nil: no event has the key (= nil), or one has it (!= nil).
    if (expr.value === null) return owners.some(({ attributes }) => Object.hasOwn(attributes, expr.key)) === (expr.op === '!=');
    const { op, value } = expr;
    return owners.some(({ attributes }) => Object.hasOwn(attributes, expr.key) && valueMeets(attributes[expr.key], op, value));
  }
  const actual = attributeValue(span, expr.scope, expr.key);
  if (expr.value === null) return (actual !== undefined) === (expr.op === '!=');
  return valueMeets(actual, expr.op, expr.value);
}

/** A value (undefined: absent) compared with a literal of its own type. */
function valueMeets(actual: Attributes[string] | undefined, op: CompareOp, value: string | number | boolean): boolean {
  if (typeof value === 'string') return typeof actual === 'string' && compareText(actual, op, value);
  if (typeof value === 'number') return isStoredNumber(actual) && compareOrdered(actual, op, value);
  return typeof actual === 'boolean' && (op === '=' ? actual === value : actual !== value);
}

/** Whether some group of the pipeline's spans meets all its aggregate conditions (ast.ts). */
function pipelineMatches(expr: PipelineExpr, spans: readonly Span[], family: SpanFamily): boolean {
  return keptGroups(expr, spans, family).length > 0;
}

/** The groups of spans (by `by()`) entering a pipeline whose aggregates meet its conditions. */
function keptGroups(expr: PipelineExpr, spans: readonly Span[], family: SpanFamily): Span[][] {
  const groups = new Map<string, Span[]>();
  for (const span of spans) {
    if (expr.spans !== null && !onSpan(expr.spans, span, family)) continue;
    const key = expr.by === null ? '' : spanKeyOf(span, expr.by);
    const group = groups.get(key);
    if (group) group.push(span);
    else groups.set(key, [span]);
  }
  return [...groups.values()].filter((group) => expr.conditions.every((condition) => aggregateMeets(condition, group)));
}

function aggregateMeets(condition: AggregateCondition, group: readonly Span[]): boolean {
  if (condition.fn === 'count') return compareOrdered(group.length, condition.op, condition.value);
  const values = group.map((span) => spanNumberOf(span, condition.of!)).filter((value): value is number => value !== undefined);
  if (values.length === 0) return false;
  const sum = values.reduce((a, b) => a + b, 0);
  const result = condition.fn === 'sum' ? sum : condition.fn === 'avg' ? sum / values.length : condition.fn === 'min' ? Math.min(...values) : Math.max(...values);
  return compareOrdered(result, condition.op, condition.value);
}

/** A span's duration (ns) or numeric attribute; undefined where it has none. */
export function spanNumberOf(span: Span, of: SpanNumber): number | undefined {
  if (of.kind === 'duration') return Number(spanDuration(span));
  const value = attributeValue(span, of.scope, of.key);
  return isStoredNumber(value) ? value : undefined;
}

/** Whether one span meets a condition written for one span (the body of braces), judged among `family`. */
export function spanMeets(condition: FilterExpr, span: Span, family: SpanFamily): boolean {
  return onSpan(condition, span, family);
}

/** A span's group under by(): the value with its type (`s:`, `n:`, `b:` before it), so 1 and "1" differ; 'nil' for spans without one, which share a group. */
export function spanKeyOf(span: Span, key: SpanKey): string {
  if (key.kind === 'field') {
    const value = textFieldOf(span, key.field);
    return value === null ? 'nil' : `s:${value}`;
  }
  const value = attributeValue(span, key.scope, key.key);
  if (typeof value === 'string') return `s:${value}`;
  if (isStoredNumber(value)) return `n:${value}`;
  if (typeof value === 'boolean') return `b:${value}`;
  return 'nil';
}

/** A typed key (spanKeyOf's, or a store's: `s:`, `n:`, `b:` and the value) back to its value; null for none ('nil', '' or null). */
export function valueOfKey(key: string | null): string | number | boolean | null {
  if (key === null || key === '' || key === 'nil') return null;
  const rest = key.slice(2);
  if (key.startsWith('n:')) return Number(rest);
  if (key.startsWith('b:')) return rest === 'true' || rest === '1';
  return rest;
}

/** A span's text field, as the language names it. */
function textFieldOf(span: Span, field: (SpanKey & { kind: 'field' })['field']): string | null {
  switch (field) {
    case 'http.url':
      return span.http.url;
    case 'http.method':
      return span.http.method;
    case 'http.route':
      return span.http.route;
    case 'name':
      return span.name;
    case 'kind':
      return span.kind;
    case 'status':
      return span.status.code;
    case 'status.message':
      return span.status.message;
    case 'scope.name':
      return span.scope.name;
    case 'scope.version':
      return span.scope.version;
    case 'service':
      return span.resource.serviceName;
  }
}

/** The order of two strings as the stores' UTF-8 bytes order them (code point by code point), as -1, 0 or 1. */
function byCodePoint(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const difference = left[i]!.codePointAt(0)! - right[i]!.codePointAt(0)!;
    if (difference !== 0) return Math.sign(difference);
  }
  return Math.sign(left.length - right.length);
}

/** `actual op expected`, for the ordering operators. */
export function compareOrdered<T extends number | bigint>(actual: T, op: CompareOp, expected: T): boolean {
  switch (op) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    default:
      return false;
  }
}

function compareText(actual: string | null, op: CompareOp, expected: string): boolean {
  if (actual === null) return false;
  switch (op) {
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compareOrdered(byCodePoint(actual, expected), op, 0);
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case 'contains':
      return actual.includes(expected);
    case 'beginswith':
      return actual.startsWith(expected);
    case 'endswith':
      return actual.endsWith(expected);
    case '=~':
      return matchesPattern(actual, expected);
    case '!~':
      return !matchesPattern(actual, expected);
    default:
      return false;
  }
}
