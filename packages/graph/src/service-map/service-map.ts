import { emptyMeasurements, mergeGraphRecords, nodeKey, type GraphRecord, type MapNodeRef, type Measurements } from './graph-record.ts';
import { quantileOf } from './latency-sketch.ts';

/** When a node or edge turns yellow or red: rates are shares of its requests (0..1). */
export interface HealthThresholds {
  yellowFaultRate: number;
  redFaultRate: number;
  yellowErrorRate: number;
  yellowThrottleRate: number;
  /** p99 latency above which a node or edge is yellow (null: latency does not count). */
  yellowP99Nanos: bigint | null;
}

export const DEFAULT_HEALTH: HealthThresholds = {
  yellowFaultRate: 0.01,
  redFaultRate: 0.05,
  yellowErrorRate: 0.05,
  yellowThrottleRate: 0.05,
  yellowP99Nanos: null,
};

export type Health = 'green' | 'yellow' | 'red';

export interface MapStats {
  requests: number;
  requestsPerSecond: number;
  p50Nanos: bigint | null;
  p95Nanos: bigint | null;
  p99Nanos: bigint | null;
  meanNanos: bigint | null;
  errors: number;
  faults: number;
  throttles: number;
  errorRate: number;
  faultRate: number;
  throttleRate: number;
  health: Health;
}

export interface MapNode extends MapNodeRef {
  id: string;
  stats: MapStats;
  /** Entry spans that began a trace (outside callers, or callers that send no context). */
  rootEntries: number;
  /** A filter expression that lists exactly the traces it counted (see nodeQuery). */
  query: string;
}

export interface MapEdge {
  from: string;
  to: string;
  connection: 'sync' | 'async';
  stats: MapStats;
  query: string;
}

/**
 * Where trace context is lost, each backed by spans that show it: a call whose callee went on
 * under another trace (or a call that began a trace inside a request), or entry spans naming a
 * parent that never came. A service that merely begins traces is no finding: an entry service
 * is called without context by outside clients, with it by a canary, and nothing is broken.
 */
export interface PropagationFinding {
  kind: 'context-dropped' | 'parent-never-arrived';
  /** Where the context was lost: between `from` and `to` (node ids); `from` is null for parent-never-arrived. */
  from: string | null;
  to: string;
  count: number;
  exampleTraceIds: string[];
  message: string;
}

export interface ServiceMap {
  startMs: number;
  endMs: number;
  nodes: MapNode[];
  edges: MapEdge[];
  propagation: PropagationFinding[];
}

export function statsOf(measurements: Measurements, seconds: number, thresholds: HealthThresholds = DEFAULT_HEALTH): MapStats {
  const { count } = measurements;
  const rate = (n: number) => (count === 0 ? 0 : n / count);
  const p99Nanos = quantileOf(measurements.latency, 0.99);
  const faultRate = rate(measurements.faults);
  const errorRate = rate(measurements.errors);
  const throttleRate = rate(measurements.throttles);
  const health: Health =
    faultRate >= thresholds.redFaultRate
      ? 'red'
      : faultRate >= thresholds.yellowFaultRate ||
          errorRate >= thresholds.yellowErrorRate ||
          throttleRate >= thresholds.yellowThrottleRate ||
          (thresholds.yellowP99Nanos !== null && p99Nanos !== null && p99Nanos > thresholds.yellowP99Nanos)
        ? 'yellow'
        : 'green';
  return {
    requests: count,
    requestsPerSecond: seconds > 0 ? count / seconds : 0,
    p50Nanos: quantileOf(measurements.latency, 0.5),
    p95Nanos: quantileOf(measurements.latency, 0.95),
    p99Nanos,
    meanNanos: count === 0 ? null : measurements.latencySumNanos / BigInt(count),
    errors: measurements.errors,
    faults: measurements.faults,
    throttles: measurements.throttles,
    errorRate,
    faultRate,
    throttleRate,
    health,
  };
}

const quoted = (text: string) => JSON.stringify(text);

/**
 * The filter that lists the traces a node or edge counted: a service's spans in its account, the
 * calls to an inferred peer (`peer()`, the identity the map counts them under), an edge's pairs.
 */
const inAccount = (ref: MapNodeRef, condition?: string) => `account = ${quoted(ref.account)}${condition ? ` AND ${condition}` : ''}`;
const peerFilter = (ref: MapNodeRef) => `peer(${quoted(ref.service)}${ref.account === '' ? '' : `, ${quoted(ref.account)}`})`;

function nodeQuery(ref: MapNodeRef): string {
  return ref.inferred === null ? `service(${quoted(ref.service)}) { ${inAccount(ref)} }` : peerFilter(ref);
}

function edgeQuery(from: MapNodeRef, to: MapNodeRef): string {
  // A topic's deliveries: the consumers of a trace that published to it.
  if (from.inferred !== null) return `${peerFilter(from)} AND service(${quoted(to.service)}) { ${inAccount(to, 'kind = "consumer"')} }`;
  if (to.inferred !== null) return `service(${quoted(from.service)}) { ${inAccount(from, peerFilter(to))} }`;
  return `edge(${quoted(from.service)}, ${quoted(to.service)}) { ${inAccount(to)} }`;
}

/**
 * The map of a window from its records: nodes, edges, their statistics and health, and the
 * propagation report. Rates divide by `observedSeconds` (the seconds of the window in which data
 * was known) when given, else by the window's length.
 */
export function buildServiceMap(records: Iterable<GraphRecord>, window: { startMs: number; endMs: number; observedSeconds?: number }, thresholds: HealthThresholds = DEFAULT_HEALTH): ServiceMap {
  const seconds = window.observedSeconds ?? Math.max(1, (window.endMs - window.startMs) / 1000);
  const merged = mergeGraphRecords(records);
  const nodes = new Map<string, MapNode>();
  const nodeOf = (ref: MapNodeRef): MapNode => {
    const id = nodeKey(ref);
    let node = nodes.get(id);
    if (!node) {
      node = { ...ref, id, stats: statsOf(emptyMeasurements(), seconds, thresholds), rootEntries: 0, query: nodeQuery(ref) };
      nodes.set(id, node);
    }
    return node;
  };
  const edges: MapEdge[] = [];
  const propagation: PropagationFinding[] = [];
  for (const record of merged) {
    const to = nodeOf(record.to);
    const from = record.from ? nodeOf(record.from) : null;
    const stats = statsOf(record.measurements, seconds, thresholds);
    if (record.kind === 'node') {
      to.stats = stats;
      to.rootEntries = record.roots;
    } else if (record.kind === 'edge') {
      edges.push({ from: from!.id, to: to.id, connection: record.connection, stats, query: edgeQuery(from!, to) });
    } else if (record.kind === 'dropped') {
      propagation.push({
        kind: 'context-dropped',
        from: from!.id,
        to: to.id,
        count: record.measurements.count,
        exampleTraceIds: record.examples,
        message: `trace context dropped between ${from!.label} and ${to.label}: ${record.measurements.count} calls continued under another trace ID`,
      });
    } else {
      propagation.push({
        kind: 'parent-never-arrived',
        from: null,
        to: to.id,
        count: record.measurements.count,
        exampleTraceIds: record.examples,
        message: `${to.service}: ${record.measurements.count} requests name a calling span that never arrived (its caller is uninstrumented, drops spans, or is not linked)`,
      });
    }
  }
  // A context dropped is a break seen on both sides of it: first, then the worst first.
  propagation.sort((a, b) => (a.kind === b.kind ? b.count - a.count : a.kind === 'context-dropped' ? -1 : 1));
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
  edges.sort((a, b) => (a.from + a.to < b.from + b.to ? -1 : 1));
  return { startMs: window.startMs, endMs: window.endMs, nodes: [...nodes.values()].sort(byId), edges, propagation };
}
