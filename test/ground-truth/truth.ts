// What a correct service map says of a corpus over a window, computed from what the generator
// knows (whom each call reached, which hops lost their context), never from what a span says.
import type { Callee, PlannedSpan, PlannedTrace } from './corpus.ts';

export interface Outcomes {
  count: number;
  /** 4xx */
  errors: number;
  /** 5xx, or an error status without a 4xx */
  faults: number;
  durationsNs: bigint[];
}

/** A node of the true map: a service of an account, or a dependency its callers reached. */
export type TrueNode = { type: 'service'; account: string; service: string } | Exclude<Callee, { type: 'service' }>;

export interface TrueEdge {
  from: TrueNode;
  to: TrueNode;
  connection: 'sync' | 'async';
  outcomes: Outcomes;
}

export interface TrueMap {
  nodes: Array<{ node: TrueNode; outcomes: Outcomes }>;
  edges: TrueEdge[];
  /** Hops whose callee continued under another trace, with how many calls did. */
  brokenHops: Array<{ from: TrueNode; to: TrueNode; calls: number }>;
}

export const nodeName = (node: TrueNode): string =>
  node.type === 'service' ? `${node.service}@${node.account}` : node.type === 'http' ? `http:${node.host}${node.port === null ? '' : `:${node.port}`}` : node.type === 'database' ? `db:${node.table}@${node.account}` : `queue:${node.topic}@${node.account}`;

function statusOf(span: PlannedSpan): number | null {
  const status = span.attributes['http.response.status_code'] ?? span.attributes['http.status_code'];
  return typeof status === 'number' ? status : null;
}

function emptyOutcomes(): Outcomes {
  return { count: 0, errors: 0, faults: 0, durationsNs: [] };
}

function count(into: Outcomes, span: PlannedSpan, durationNs = span.endNs - span.startNs): void {
  const status = statusOf(span);
  const clientError = status !== null && status >= 400 && status < 500;
  into.count += 1;
  if (clientError) into.errors += 1;
  if ((status !== null && status >= 500) || (span.error && !clientError)) into.faults += 1;
  // Two clocks: a delivery measured from the producer's start to the consumer's end may come out
  // negative under skew; no duration is shorter than nothing.
  into.durationsNs.push(durationNs < 0n ? 0n : durationNs);
}

const serviceNode = (span: PlannedSpan): TrueNode => ({ type: 'service', account: span.account.id, service: span.service });
const isEntry = (span: PlannedSpan) => span.kind === 'server' || span.kind === 'consumer';

/** The true map of the spans that started in [startMs, endMs) by their own clocks. */
export function trueMapOf(spans: readonly PlannedSpan[], startMs: number, endMs: number): TrueMap {
  const byId = new Map(spans.map((span) => [`${span.traceId}:${span.spanId}`, span]));
  const inWindow = (span: PlannedSpan) => span.startNs >= BigInt(startMs) * 1_000_000n && span.startNs < BigInt(endMs) * 1_000_000n;
  const nodes = new Map<string, { node: TrueNode; outcomes: Outcomes }>();
  const edges = new Map<string, TrueEdge>();
  const broken = new Map<string, { from: TrueNode; to: TrueNode; calls: number }>();
  const nodeOf = (node: TrueNode) => {
    const key = nodeName(node);
    if (!nodes.has(key)) nodes.set(key, { node, outcomes: emptyOutcomes() });
    return nodes.get(key)!.outcomes;
  };
  const edgeOf = (from: TrueNode, to: TrueNode, connection: 'sync' | 'async') => {
    const key = `${nodeName(from)} -> ${nodeName(to)} ${connection}`;
    if (!edges.has(key)) edges.set(key, { from, to, connection, outcomes: emptyOutcomes() });
    return edges.get(key)!.outcomes;
  };
  // The consumers of each produced message, for the topic's delivery edges: the child that
  // handled it, and the batch consumers that link to it.
  const consumersOf = new Map<string, PlannedSpan[]>();
  const deliver = (messageKey: string, consumer: PlannedSpan) => consumersOf.set(messageKey, [...(consumersOf.get(messageKey) ?? []), consumer]);
  for (const span of spans) {
    if (span.kind !== 'consumer') continue;
    if (span.parentSpanId) deliver(`${span.traceId}:${span.parentSpanId}`, span);
    for (const link of span.links) deliver(`${link.traceId}:${link.spanId}`, span);
  }

  for (const span of spans) {
    if (!inWindow(span)) continue;
    if (isEntry(span) || span.parentSpanId === null) count(nodeOf(serviceNode(span)), span);
    // An entry span whose parent is another service's entry span: that service called it without a client span.
    const parent = span.parentSpanId ? byId.get(`${span.traceId}:${span.parentSpanId}`) : undefined;
    if (isEntry(span) && parent && isEntry(parent) && parent.service !== span.service) count(edgeOf(serviceNode(parent), serviceNode(span), 'sync'), span);
    const callee = span.callee;
    if (!callee) continue;
    const from = serviceNode(span);
    if (callee.type === 'service') {
      count(edgeOf(from, callee, span.kind === 'producer' ? 'async' : 'sync'), span);
      if (span.contextDropped) {
        const key = `${nodeName(from)} -> ${nodeName(callee)}`;
        if (!broken.has(key)) broken.set(key, { from, to: callee, calls: 0 });
        broken.get(key)!.calls += 1;
      }
    } else if (callee.type === 'queue') {
      count(edgeOf(from, callee, 'async'), span);
      count(nodeOf(callee), span);
      for (const consumer of consumersOf.get(`${span.traceId}:${span.spanId}`) ?? []) count(edgeOf(callee, serviceNode(consumer), 'async'), consumer, consumer.endNs - span.startNs);
    } else {
      count(edgeOf(from, callee, 'sync'), span);
      count(nodeOf(callee), span);
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()], brokenHops: [...broken.values()] };
}

/** The nearest-rank q-quantile of raw durations (what a percentile means), null for none. */
export function exactQuantile(durationsNs: readonly bigint[], q: number): bigint | null {
  if (durationsNs.length === 0) return null;
  const sorted = [...durationsNs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1]!;
}

/** The requests each (account, service, operation) served in [startMs, endMs): its entry spans and the spans that began a trace. */
export function trueEntriesOf(spans: readonly PlannedSpan[], startMs: number, endMs: number): Map<string, { account: string; service: string; operation: string; outcomes: Outcomes }> {
  const entries = new Map<string, { account: string; service: string; operation: string; outcomes: Outcomes }>();
  for (const span of spans) {
    if (!(isEntry(span) || span.parentSpanId === null)) continue;
    if (span.startNs < BigInt(startMs) * 1_000_000n || span.startNs >= BigInt(endMs) * 1_000_000n) continue;
    const key = `${span.account.id}\u0000${span.service}\u0000${span.name}`;
    if (!entries.has(key)) entries.set(key, { account: span.account.id, service: span.service, operation: span.name, outcomes: emptyOutcomes() });
    count(entries.get(key)!.outcomes, span);
  }
  return entries;
}

/** Each trace's spans, first start and last end, as the spans recorded them. */
export function tracesOf(spans: readonly PlannedSpan[]): Map<string, PlannedTrace> {
  const traces = new Map<string, PlannedTrace>();
  for (const span of spans) {
    const trace = traces.get(span.traceId);
    if (!trace) traces.set(span.traceId, { spans: [span], startNs: span.startNs, endNs: span.endNs });
    else {
      trace.spans.push(span);
      if (span.startNs < trace.startNs) trace.startNs = span.startNs;
      if (span.endNs > trace.endNs) trace.endNs = span.endNs;
    }
  }
  return traces;
}
