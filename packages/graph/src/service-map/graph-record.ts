import type { Span } from '@stitch/model';
import { spanHasFlag } from '@stitch/query';
import { emptySketch, mergeSketchInto, recordLatency, type LatencySketch } from './latency-sketch.ts';
import type { InferredPeer } from './peers.ts';

/** A node of the map: a service of an account, or a dependency inferred from its callers. */
export interface MapNodeRef {
  account: string;
  accountLabel: string;
  /** The service, or the inferred peer's name. */
  service: string;
  /** Null for an instrumented service. */
  inferred: InferredPeer['type'] | null;
  label: string;
}

export interface Measurements {
  count: number;
  /** 4xx */
  errors: number;
  /** 5xx, or an error status without a 4xx */
  faults: number;
  /** 429 */
  throttles: number;
  latencySumNanos: bigint;
  /** Durations, for percentiles within 2 % (latency-sketch.ts). */
  latency: LatencySketch;
}

/**
 * One time bucket of one thing the map counts:
 * - node: requests a service served (its entry spans), or calls an inferred peer received;
 * - edge: calls from one node to another (client→server, producer→consumer, or to an inferred peer);
 * - dropped: calls whose callee's spans went to another trace (the context was lost between them);
 * - orphan: entry spans whose remote parent never arrived.
 */
export interface GraphRecord {
  bucketStartMs: number;
  kind: 'node' | 'edge' | 'dropped' | 'orphan';
  from: MapNodeRef | null;
  to: MapNodeRef;
  connection: 'sync' | 'async';
  measurements: Measurements;
  /** Node records: entry spans that began a trace. */
  roots: number;
  /** A few trace ids to look at. */
  examples: string[];
}

export const MAX_EXAMPLES = 3;

export function serviceRef(span: Span): MapNodeRef {
  return { account: span.account.id, accountLabel: span.account.label, service: span.resource.serviceName, inferred: null, label: span.resource.serviceName };
}

/** The peer `call` called; in the caller's own account, it shows the caller's account label. */
export function peerRef(peer: InferredPeer, call: Pick<Span, 'account'>): MapNodeRef {
  const accountLabel = peer.account === call.account.id ? call.account.label : peer.account;
  return { account: peer.account, accountLabel, service: peer.name, inferred: peer.type, label: peer.label };
}

/** Opaque and URL-safe: "service|444444444444|payments", "http||api.stripe.com". */
export function nodeKey(ref: MapNodeRef): string {
  return [ref.inferred ?? 'service', ref.account, ref.service].map(urlSafe).join('|');
}

// encodeURIComponent throws on a lone surrogate, which a sender may put in any name: it crashed
// central at the next service-map flush. Such halves become U+FFFD first.
const urlSafe = (text: string) => encodeURIComponent(text.replace(/[\ud800-\udfff]/gu, '\ufffd'));

export function recordKey(record: Pick<GraphRecord, 'kind' | 'from' | 'to' | 'connection'>): string {
  return `${record.kind}\u0001${record.from ? nodeKey(record.from) : ''}\u0001${nodeKey(record.to)}\u0001${record.connection}`;
}

export function emptyMeasurements(): Measurements {
  return { count: 0, errors: 0, faults: 0, throttles: 0, latencySumNanos: 0n, latency: emptySketch() };
}

/** Counts one call or request: its latency, and the outcome `outcome` recorded. */
export function measure(into: Measurements, latencyNanos: bigint, outcome: Pick<Span, 'status' | 'http'>): void {
  into.count += 1;
  if (spanHasFlag(outcome, 'error')) into.errors += 1;
  if (spanHasFlag(outcome, 'fault')) into.faults += 1;
  if (spanHasFlag(outcome, 'throttle')) into.throttles += 1;
  const latency = latencyNanos < 0n ? 0n : latencyNanos;
  into.latencySumNanos += latency;
  recordLatency(into.latency, latency);
}

/**
 * The records of any number of buckets added up into one per node, edge and finding: counts and
 * latency sketches summed, the earliest bucket start, at most 5 distinct example traces.
 */
export function mergeGraphRecords(records: Iterable<GraphRecord>): GraphRecord[] {
  const merged = new Map<string, GraphRecord>();
  for (const record of records) {
    const key = recordKey(record);
    let into = merged.get(key);
    if (!into) {
      into = { ...record, measurements: emptyMeasurements(), roots: 0, examples: [] };
      merged.set(key, into);
    }
    mergeMeasurements(into.measurements, record.measurements);
    into.roots += record.roots;
    into.bucketStartMs = Math.min(into.bucketStartMs, record.bucketStartMs);
    for (const id of record.examples) if (into.examples.length < 5 && !into.examples.includes(id)) into.examples.push(id);
  }
  return [...merged.values()];
}

export function mergeMeasurements(into: Measurements, from: Measurements): void {
  into.count += from.count;
  into.errors += from.errors;
  into.faults += from.faults;
  into.throttles += from.throttles;
  into.latencySumNanos += from.latencySumNanos;
  mergeSketchInto(into.latency, from.latency);
}

