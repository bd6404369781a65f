import { spanDuration, type Span } from '@stitch/model';
import {
  emptyMeasurements,
  MAX_EXAMPLES,
  measure,
  peerRef,
  recordKey,
  serviceRef,
  type GraphRecord,
  type MapNodeRef,
} from './graph-record.ts';
import { RecentEntries, type RecentEntry } from './recent-entries.ts';
import { expectsNoCallee, inferPeer, pathMatches, requestPathOf } from './peers.ts';

export interface AggregatorOptions {
  /** Width of a time bucket (default one minute). */
  bucketMs?: number;
  /** How long a call waits for its callee's span (and an entry span for its caller's) before it is settled without (default 10 s). */
  pairWaitMs?: number;
  /** Calls and entries waiting at most; beyond, the oldest are settled early (counted). */
  maxWaiting?: number;
  /**
   * Federated mode: an agent's aggregator, which sees only its own account's spans, hands over
   * what it cannot settle alone (calls and entries left unpaired, and trace-starting entry spans
   * that served a path) to one that sees every account's hand-offs (`addUnpaired`).
   * When that one also gets spans through `add` (mixed mode), their partners reach it an agent's
   * pairWaitMs and the hand-off's delay late: its own pairWaitMs must cover twice the agents'
   * plus that delay, or those pairs are settled apart.
   */
  onUnpaired?: (span: Span) => void;
}

interface Waiting {
  span: Span;
  receivedMs: number;
}


const isCall = (span: Span) => span.kind === 'client' || span.kind === 'producer';
const isEntry = (span: Span) => span.kind === 'server' || span.kind === 'consumer';

/**
 * The service map's streaming half, as Tempo's service-graph processor: spans go through once,
 * at ingest, and come out as counts in time buckets. A call (client/producer span) is paired with
 * its callee's entry span (server/consumer, whose parent it is) whichever arrives first, from
 * whichever agent; a call left alone after `pairWaitMs` becomes an edge to a peer inferred from
 * its attributes, unless an entry span of another service, under another trace, answered it
 * (same time, same path): then the context was dropped between them. Pure: the clock is passed in.
 *
 * Federated, one per agent hands what it could not pair to a central one (`onUnpaired` →
 * `addUnpaired`): the records of all of them add up to those one aggregator seeing every span makes.
 */
export class ServiceGraphAggregator {
  private records = new Map<string, GraphRecord>();
  private readonly calls = new Map<string, Waiting>();
  private readonly entries = new Map<string, Waiting>();
  /** Trace-starting entry spans: the callee side of a context lost between services. */
  private readonly recentRoots = new RecentEntries(50_000);
  private rootCalls: Waiting[] = [];
  /** Every entry span, by service: which request a service was serving when it lost the context. */
  private readonly recentEntriesByService = new Map<string, RecentEntries>();
  private readonly bucketMs: number;
  private readonly pairWaitMs: number;
  private readonly maxWaiting: number;
  private readonly onUnpaired: ((span: Span) => void) | null;
  /** Calls and entries settled before their wait was over, to stay within maxWaiting. */
  settledEarly = 0;

  constructor(options: AggregatorOptions = {}) {
    this.bucketMs = options.bucketMs ?? 60_000;
    this.pairWaitMs = options.pairWaitMs ?? 10_000;
    this.maxWaiting = options.maxWaiting ?? 50_000;
    this.onUnpaired = options.onUnpaired ?? null;
  }

  get waiting(): number {
    return this.calls.size + this.entries.size;
  }

  /** The calls and entries waiting for their partner: not counted yet (`addUnpaired` takes them back after a restart). */
  waitingSpans(): Span[] {
    return [...this.calls.values(), ...this.entries.values()].map((waiting) => waiting.span);
  }

  add(spans: Iterable<Span>, nowMs: number): void {
    for (const span of spans) this.addSpan(span, nowMs);
    this.keepWithinMaxWaiting();
  }

  /**
   * Spans another aggregator handed over (`onUnpaired`): paired here as `add` would, settled here
   * when they stay alone, but not counted again, nor checked for a context lost inside their
   * service: that was done where they came from.
   */
  addUnpaired(spans: Iterable<Span>, nowMs: number): void {
    for (const span of spans) {
      if (isEntry(span) && span.parentSpanId === null) this.rememberRoot({ span, receivedMs: nowMs, path: requestPathOf(span) });
      else this.pairOrWait(span, nowMs);
    }
    this.keepWithinMaxWaiting();
  }

  private addSpan(span: Span, nowMs: number): void {
    if (isEntry(span) || span.parentSpanId === null) {
      const node = this.record(span, 'node', null, serviceRef(span), 'sync');
      measure(node.measurements, spanDuration(span), span);
      this.remember(node, span.traceId);
      if (isEntry(span)) {
        if (span.parentSpanId === null) node.roots += 1;
        this.rememberEntry(span, nowMs);
      }
    }
    // Checked once its service's entry spans had time to arrive too.
    if (isCall(span) && span.parentSpanId === null) {
      this.rootCalls.push({ span, receivedMs: nowMs });
      if (this.rootCalls.length > 20_000) this.rootCalls.shift();
    }
    this.pairOrWait(span, nowMs);
  }

  private pairOrWait(span: Span, nowMs: number): void {
    if (isEntry(span) && span.parentSpanId !== null) {
      const key = `${span.traceId}:${span.parentSpanId}`;
      const call = this.calls.get(key);
      if (call) {
        this.calls.delete(key);
        this.pair(call.span, span);
      } else {
        this.entries.set(key, { span, receivedMs: nowMs });
      }
    }
    if (isCall(span)) {
      const key = `${span.traceId}:${span.spanId}`;
      const entry = this.entries.get(key);
      if (entry) {
        this.entries.delete(key);
        this.pair(span, entry.span);
      } else if (expectsNoCallee(span)) {
        this.edgeToPeer(span);
      } else {
        this.calls.set(key, { span, receivedMs: nowMs });
      }
    }
  }

  /** Settles (or hands over, with `onUnpaired`) whatever waited `pairWaitMs` or more. */
  expire(nowMs: number): void {
    const due = nowMs - this.pairWaitMs;
    for (const [key, waiting] of this.calls) {
      if (waiting.receivedMs > due) break;
      this.calls.delete(key);
      this.leftUnpaired(waiting.span);
    }
    for (const [key, waiting] of this.entries) {
      if (waiting.receivedMs > due) break;
      this.entries.delete(key);
      this.leftUnpaired(waiting.span);
    }
    while (this.rootCalls.length > 0 && this.rootCalls[0]!.receivedMs <= due) this.checkContextDroppedInside(this.rootCalls.shift()!.span);
    const keepFrom = nowMs - 3 * this.pairWaitMs;
    this.recentRoots.prune(keepFrom);
    for (const [service, entries] of this.recentEntriesByService) {
      entries.prune(keepFrom);
      if (entries.size === 0) this.recentEntriesByService.delete(service);
    }
  }

  /** Everything counted since the last drain; the caller stores it. */
  drain(): GraphRecord[] {
    const drained = [...this.records.values()];
    this.records = new Map();
    return drained;
  }

  private keepWithinMaxWaiting(): void {
    for (const map of [this.calls, this.entries]) {
      while (map.size > this.maxWaiting) {
        const [key, waiting] = map.entries().next().value as [string, Waiting];
        map.delete(key);
        this.settledEarly += 1;
        this.leftUnpaired(waiting.span);
      }
    }
  }

  private leftUnpaired(span: Span): void {
    if (this.onUnpaired) this.onUnpaired(span);
    else if (isCall(span)) this.settleCall(span);
    else this.settleEntry(span);
  }

  private pair(call: Span, entry: Span): void {
    const async = call.kind === 'producer';
    const peer = inferPeer(call);
    if (async && peer.type === 'queue') {
      this.throughTopic(call, entry, peerRef(peer));
      return;
    }
    const edge = this.record(call, 'edge', serviceRef(call), serviceRef(entry), async ? 'async' : 'sync');
    // The caller's view (what it waited, what it got back), the callee's outcome when the call recorded none.
    const outcome = call.http.statusCode === null && call.status.code !== 'error' ? entry : call;
    const latency = async ? entry.endTimeUnixNano - call.startTimeUnixNano : spanDuration(call);
    measure(edge.measurements, latency, outcome);
    this.remember(edge, call.traceId);
  }

  /** A message through a named topic: producer → topic → consumer, the topic drawn as a node between them. */
  private throughTopic(producer: Span, consumer: Span, topic: MapNodeRef): void {
    this.edgeToPeer(producer);
    const delivered = this.record(producer, 'edge', topic, serviceRef(consumer), 'async');
    // From the message sent to the message handled: what the consumer's side of the hop costs.
    measure(delivered.measurements, consumer.endTimeUnixNano - producer.startTimeUnixNano, consumer);
    this.remember(delivered, producer.traceId);
  }

  private settleCall(call: Span): void {
    const callee = this.entryUnderAnotherTrace(call);
    if (!callee) {
      this.edgeToPeer(call);
      return;
    }
    // The callee is known, only the context is lost: the dependency is drawn, and reported.
    const connection = call.kind === 'producer' ? 'async' : 'sync';
    const edge = this.record(call, 'edge', serviceRef(call), serviceRef(callee), connection);
    measure(edge.measurements, spanDuration(call), call);
    this.remember(edge, call.traceId);
    const dropped = this.record(call, 'dropped', serviceRef(call), serviceRef(callee), connection);
    measure(dropped.measurements, spanDuration(call), call);
    this.remember(dropped, call.traceId, callee.traceId);
  }

  private settleEntry(entry: Span): void {
    const orphan = this.record(entry, 'orphan', null, serviceRef(entry), entry.kind === 'consumer' ? 'async' : 'sync');
    measure(orphan.measurements, spanDuration(entry), entry);
    this.remember(orphan, entry.traceId);
  }

  private edgeToPeer(call: Span): void {
    const peer = peerRef(inferPeer(call));
    const connection = call.kind === 'producer' ? 'async' : 'sync';
    const edge = this.record(call, 'edge', serviceRef(call), peer, connection);
    measure(edge.measurements, spanDuration(call), call);
    this.remember(edge, call.traceId);
    const node = this.record(call, 'node', null, peer, connection);
    measure(node.measurements, spanDuration(call), call);
    this.remember(node, call.traceId);
  }

  /** A trace-starting entry span of another service that ran inside the call and served its path. */
  private entryUnderAnotherTrace(call: Span): Span | null {
    const path = requestPathOf(call);
    const found = this.recentRoots.findStartedWithin(
      call.startTimeUnixNano,
      call.endTimeUnixNano,
      ({ span, path: served }) =>
        span.traceId !== call.traceId &&
        (span.resource.serviceName !== call.resource.serviceName || span.account.id !== call.account.id) &&
        (pathMatches(path, served) || pathMatches(path, span.http.route ?? '')),
    );
    return found?.span ?? null;
  }

  /**
   * A call that begins a trace while its service is serving a request: the service lost the
   * request's context on the way out, so the hop named is from the service to whom it called.
   */
  private checkContextDroppedInside(call: Span): void {
    const serving = this.recentEntriesByService
      .get(this.serviceKey(call))
      ?.find(({ span }) => span.traceId !== call.traceId && span.startTimeUnixNano <= call.startTimeUnixNano && span.endTimeUnixNano >= call.startTimeUnixNano);
    if (!serving) return;
    const dropped = this.record(call, 'dropped', serviceRef(call), peerRef(inferPeer(call)), call.kind === 'producer' ? 'async' : 'sync');
    measure(dropped.measurements, spanDuration(call), call);
    this.remember(dropped, serving.span.traceId, call.traceId);
  }

  private rememberEntry(span: Span, nowMs: number): void {
    const entry = { span, receivedMs: nowMs, path: requestPathOf(span) };
    if (span.parentSpanId === null) this.rememberRoot(entry);
    const key = this.serviceKey(span);
    let entries = this.recentEntriesByService.get(key);
    if (!entries) {
      entries = new RecentEntries(5_000);
      this.recentEntriesByService.set(key, entries);
    }
    entries.add(entry);
  }

  /** A trace-starting entry span: what a call settled here may have reached under another trace. */
  private rememberRoot(entry: RecentEntry): void {
    if (!this.onUnpaired) this.recentRoots.add(entry);
    // Calls are settled where the unpaired go, which needs the roots of every account; one that
    // served no path can answer no call (see entryUnderAnotherTrace).
    else if (entry.path !== '' || (entry.span.http.route ?? '') !== '') this.onUnpaired(entry.span);
  }

  private serviceKey(span: Span): string {
    return `${span.account.id}\u0000${span.resource.serviceName}`;
  }

  private record(span: Span, kind: GraphRecord['kind'], from: MapNodeRef | null, to: MapNodeRef, connection: GraphRecord['connection']): GraphRecord {
    const startMs = Number(span.startTimeUnixNano / 1_000_000n);
    const bucketStartMs = startMs - (startMs % this.bucketMs);
    const key = `${bucketStartMs}\u0002${recordKey({ kind, from, to, connection })}`;
    let record = this.records.get(key);
    if (!record) {
      record = { bucketStartMs, kind, from, to, connection, measurements: emptyMeasurements(), roots: 0, examples: [] };
      this.records.set(key, record);
    }
    return record;
  }

  private remember(record: GraphRecord, ...traceIds: string[]): void {
    for (const traceId of traceIds) {
      if (record.examples.length < MAX_EXAMPLES * traceIds.length && !record.examples.includes(traceId)) record.examples.push(traceId);
    }
  }
}
