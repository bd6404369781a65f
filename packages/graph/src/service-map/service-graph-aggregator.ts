import { ArrivalOrderMap, CLOCK_SKEW_NANOS, spanDuration, type Span } from '@stitch/model';
import {
  emptyMeasurements,
  MAX_EXAMPLES,
  measure,
  nodeKey,
  peerRef,
  recordKey,
  serviceRef,
  type GraphRecord,
  type MapNodeRef,
} from './graph-record.ts';
import { PathIndex } from './path-index.ts';
import { RecentEntries, type RecentEntry } from './recent-entries.ts';
import { expectsNoCallee, inferPeer, pathMatches, requestPathOf } from './peers.ts';
import { WaitingEntries, type Waiting } from './waiting-entries.ts';
import { LinkedMessages } from './linked-messages.ts';
import { ServingRequests } from './serving-requests.ts';

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


const isCall = (span: Span) => span.kind === 'client' || span.kind === 'producer';
const isEntry = (span: Span) => span.kind === 'server' || span.kind === 'consumer';

/**
 * The service map's streaming half, as Tempo's service-graph processor: spans go through once,
 * at ingest, and come out as counts in time buckets. A call (client/producer span) is paired with
 * its callee's entry span (server/consumer, whose parent it is) whichever arrives first, from
 * whichever agent; a call left alone after `pairWaitMs` becomes an edge to a peer inferred from
 * its attributes, unless an entry span of another service, under another trace, answered it
 * (same time, same path): then the context was dropped between them. An entry span whose parent
 * is an entry span of another service (stock OpenTelemetry without client spans, a gateway
 * invoking a function) is paired with that parent the same way: the parent's service called it.
 * Pure: the clock is passed in.
 *
 * Federated, one per agent hands what it could not pair to a central one (`onUnpaired` →
 * `addUnpaired`): the records of all of them add up to those one aggregator seeing every span makes.
 */
export class ServiceGraphAggregator {
  private records = new Map<string, GraphRecord>();
  private readonly calls = new ArrivalOrderMap<string, Waiting>();
  private readonly entries = new WaitingEntries();
  /**
   * Recent entry spans by id, as their service only (a few hundred bytes each, not the span):
   * the caller of a later entry span they are the parent of.
   */
  private readonly entryParents = new ArrivalOrderMap<string, { service: MapNodeRef; receivedMs: number }>();
  /** Trace-starting entry spans: the callee side of a context lost between services. */
  private readonly rootPaths = new PathIndex();
  private readonly recentRoots = new RecentEntries(50_000, ({ span, path }) => this.rootPaths.keysOfServed(path, span.http.route ?? ''));
  /** The service that answered a call which began a trace (the hop a context lost inside its service is reported on). */
  private readonly calleeOfRootCall = new WeakMap<Span, MapNodeRef>();
  /** Calls that began a trace, with when they were received: checked once their service's entry spans had time to arrive. */
  private readonly rootCalls = new ArrivalOrderMap<Span, number>();
  /** Every entry span, by service: which request a service was serving when it lost the context. */
  private readonly serving: ServingRequests;
  private readonly bucketMs: number;
  readonly pairWaitMs: number;
  private readonly maxWaiting: number;
  private readonly onUnpaired: ((span: Span) => void) | null;
  /** Producers and the batch consumers whose span links name them. */
  private readonly linked: LinkedMessages;
  /** Calls and entries settled before their wait was over, to stay within maxWaiting. */
  settledEarly = 0;

  constructor(options: AggregatorOptions = {}) {
    this.bucketMs = options.bucketMs ?? 60_000;
    this.pairWaitMs = options.pairWaitMs ?? 10_000;
    this.maxWaiting = options.maxWaiting ?? 50_000;
    this.onUnpaired = options.onUnpaired ?? null;
    this.linked = new LinkedMessages(this.maxWaiting, (producer, consumer) => this.linkedMessage(producer, consumer));
    // Kept three waits, as the entry parents.
    this.serving = new ServingRequests(4 * this.maxWaiting);
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
      this.addMessageSide(span, nowMs, true);
      if (isEntry(span) && span.parentSpanId === null) {
        // One that served no path can answer no call (see entryUnderAnotherTrace), only be a parent.
        const path = requestPathOf(span);
        if (path !== '' || (span.http.route ?? '') !== '') this.rememberRoot({ span, receivedMs: nowMs, path });
        this.pairWithChildren(span, nowMs);
      } else {
        this.pairOrWait(span, nowMs);
      }
    }
    this.keepWithinMaxWaiting();
  }

  private addSpan(span: Span, nowMs: number): void {
    this.addMessageSide(span, nowMs, false);
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
      this.rootCalls.set(span, nowMs);
      if (this.rootCalls.size > 20_000) this.rootCalls.takeOldest();
    }
    this.pairOrWait(span, nowMs);
  }

  private pairOrWait(span: Span, nowMs: number): void {
    if (isEntry(span)) {
      if (span.parentSpanId !== null) {
        const key = `${span.traceId}:${span.parentSpanId}`;
        const call = this.calls.get(key);
        const parentEntry = this.entryParents.get(key);
        if (call) {
          this.calls.delete(key);
          this.pair(call.span, span);
        } else if (parentEntry) {
          this.pairEntries(parentEntry.service, span);
        } else {
          this.entries.add(span, nowMs);
        }
      }
      this.pairWithChildren(span, nowMs);
    } else if (span.kind === 'internal') {
      // A handler's internal span may be the parent of entry spans too (a consumer's "process"
      // under its poll loop): its parent arrived, it is no orphan.
      this.pairWithChildren(span, nowMs);
    }
    if (isCall(span)) {
      const key = `${span.traceId}:${span.spanId}`;
      // One callee span per call; more under one call (a duplicate) found their caller too.
      const [entry] = this.entries.takeChildrenOf(span.traceId, span.spanId);
      if (entry) {
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
    while ((this.calls.oldest()?.[1].receivedMs ?? Infinity) <= due) this.leftUnpaired(this.calls.takeOldest()![1].span);
    for (let waiting = this.entries.takeOldest(due); waiting; waiting = this.entries.takeOldest(due)) this.leftUnpaired(waiting.span);
    while ((this.rootCalls.oldest()?.[1] ?? Infinity) <= due) this.checkContextDroppedInside(this.rootCalls.takeOldest()![0]);
    const keepFrom = nowMs - 3 * this.pairWaitMs;
    this.linked.prune(keepFrom);
    while ((this.entryParents.oldest()?.[1].receivedMs ?? Infinity) < keepFrom) this.entryParents.takeOldest();
    this.recentRoots.prune(keepFrom);
    this.serving.prune(keepFrom);
  }

  /** Everything counted since the last drain; the caller stores it. */
  drain(): GraphRecord[] {
    const drained = [...this.records.values()];
    this.records = new Map();
    return drained;
  }

  private keepWithinMaxWaiting(): void {
    while (this.calls.size > this.maxWaiting) {
      this.settledEarly += 1;
      this.leftUnpaired(this.calls.takeOldest()![1].span);
    }
    while (this.entries.size > this.maxWaiting) {
      this.settledEarly += 1;
      this.leftUnpaired(this.entries.takeOldest()!.span);
    }
    // Kept three waits (a federated child comes a wait and a hand-off late), so more of them.
    while (this.entryParents.size > 4 * this.maxWaiting) this.entryParents.takeOldest();
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
      this.throughTopic(call, entry, peerRef(peer, call));
      return;
    }
    // A call that began a trace reached this service: a context lost on the way names it, not a peer.
    if (call.parentSpanId === null) this.calleeOfRootCall.set(call, serviceRef(entry));
    const edge = this.record(call, 'edge', serviceRef(call), serviceRef(entry), async ? 'async' : 'sync');
    // The caller's view (what it waited, what it got back), the callee's outcome when the call recorded none.
    const outcome = call.http.statusCode === null && call.status.code !== 'error' ? entry : call;
    const latency = async ? entry.endTimeUnixNano - call.startTimeUnixNano : spanDuration(call);
    measure(edge.measurements, latency, outcome);
    this.remember(edge, call.traceId);
  }

  /**
   * An entry (or internal) span is, for a while, the caller of the entry spans it is the parent of (they may
   * arrive before it, waiting, or after it). Of another service, the parent's service called the
   * child's; of its own, it is nesting inside one service, no hop.
   */
  private pairWithChildren(parent: Span, nowMs: number): void {
    const service = serviceRef(parent);
    this.entryParents.set(`${parent.traceId}:${parent.spanId}`, { service, receivedMs: nowMs });
    for (const child of this.entries.takeChildrenOf(parent.traceId, parent.spanId)) this.pairEntries(service, child.span);
  }

  private pairEntries(parent: MapNodeRef, child: Span): void {
    const callee = serviceRef(child);
    if (nodeKey(parent) === nodeKey(callee)) return;
    const edge = this.record(child, 'edge', parent, callee, child.kind === 'consumer' ? 'async' : 'sync');
    // No client span timed the call: the callee's own duration is the best measure there is
    // (the call itself took that plus the network both ways).
    measure(edge.measurements, spanDuration(child), child);
    this.remember(edge, child.traceId);
  }

  private addMessageSide(span: Span, nowMs: number, handed: boolean): void {
    if (span.kind === 'producer') this.linked.addProducer({ span, receivedMs: nowMs, handed });
    else if (span.kind === 'consumer' && span.links.length > 0) this.linked.addConsumer({ span, receivedMs: nowMs, handed });
  }

  /**
   * A message a batch consumer received by a span link (not as the producer's child): the hop
   * from the topic (or the producing service) to the consumer; the producer's own call to the
   * topic is counted when it is settled, as any producer's.
   */
  private linkedMessage(producer: Span, consumer: Span): void {
    const peer = inferPeer(producer);
    const from = peer.type === 'queue' ? peerRef(peer, producer) : serviceRef(producer);
    const delivered = this.record(producer, 'edge', from, serviceRef(consumer), 'async');
    measure(delivered.measurements, consumer.endTimeUnixNano - producer.startTimeUnixNano, consumer);
    this.remember(delivered, consumer.traceId);
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
    const peer = peerRef(inferPeer(call), call);
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
    // The callee's clock may run up to CLOCK_SKEW_NANOS off the caller's (another host, another
    // account), so its start is looked for that much around the call. Each answers one call only,
    // the earliest unclaimed: calls settle in about the order they began, so under a steady skew
    // the k-th lost call meets the k-th trace begun.
    // Only the entries whose path or route the call's path can match are read (a call to an
    // API that sends no spans reads none), so the cost does not grow with the requests per second.
    const found = this.recentRoots.findStartedWithin(
      call.startTimeUnixNano - CLOCK_SKEW_NANOS,
      call.endTimeUnixNano + CLOCK_SKEW_NANOS,
      ({ span, path: served }) =>
        span.traceId !== call.traceId &&
        (span.resource.serviceName !== call.resource.serviceName || span.account.id !== call.account.id) &&
        (pathMatches(path, served) || pathMatches(path, span.http.route ?? '')),
      this.rootPaths.keysMatching(path),
    );
    if (!found) return null;
    this.recentRoots.take(found);
    return found.span;
  }

  /**
   * A call that begins a trace while its service is serving a request: the service lost the
   * request's context on the way out, so the hop named is from the service to whom it called.
   */
  private checkContextDroppedInside(call: Span): void {
    // Within the request, start to end: a call outlasting every request is not one of theirs.
    const serving = this.serving.servingDuring(this.serviceKey(call), call.traceId, call.startTimeUnixNano, call.endTimeUnixNano);
    if (!serving) return;
    const callee = this.calleeOfRootCall.get(call) ?? peerRef(inferPeer(call), call);
    const dropped = this.record(call, 'dropped', serviceRef(call), callee, call.kind === 'producer' ? 'async' : 'sync');
    measure(dropped.measurements, spanDuration(call), call);
    this.remember(dropped, serving.traceId, call.traceId);
  }

  private rememberEntry(span: Span, nowMs: number): void {
    if (span.parentSpanId === null) this.rememberRoot({ span, receivedMs: nowMs, path: requestPathOf(span) });
    this.serving.add(this.serviceKey(span), { traceId: span.traceId, startNanos: span.startTimeUnixNano, endNanos: span.endTimeUnixNano, receivedMs: nowMs });
  }

  /** A trace-starting entry span: what a call settled here may have reached under another trace. */
  private rememberRoot(entry: RecentEntry): void {
    if (!this.onUnpaired) this.recentRoots.add(entry);
    // Calls are settled where the unpaired go, which needs the roots of every account, to find
    // a call answered under another trace, and an entry span of another account they called
    // without a client span (see entryUnderAnotherTrace, pairWithChildren).
    else this.onUnpaired(entry.span);
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
