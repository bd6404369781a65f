import { IntervalTree } from './interval-tree.ts';

/** What is kept of an entry span to tell which request its service was serving: its trace and when it ran, not the span. */
export interface ServedRequest {
  traceId: string;
  startNanos: bigint;
  endNanos: bigint;
  receivedMs: number;
}

interface Arrived {
  service: string;
  request: ServedRequest;
  seq: number;
}

/**
 * Entry spans of the last few pair waits, every service's, bounded, forgotten oldest first: which
 * request a service was serving while one of its calls began a trace (a context lost inside the
 * service). Per service they are ordered by start, so a lookup reads about log(n) of them, not
 * every request held.
 */
export class ServingRequests {
  private readonly byService = new Map<string, { requests: IntervalTree<ServedRequest>; held: number }>();
  private inArrivalOrder: Arrived[] = [];
  private head = 0;
  private seq = 0;
  /** Requests read by lookups so far (tests hold it flat). */
  requestsRead = 0;

  constructor(private readonly max: number) {}

  get size(): number {
    return this.inArrivalOrder.length - this.head;
  }

  add(service: string, request: ServedRequest): void {
    let ofService = this.byService.get(service);
    if (!ofService) this.byService.set(service, (ofService = { requests: new IntervalTree(), held: 0 }));
    const seq = this.seq++;
    ofService.requests.add(request, seq);
    ofService.held++;
    this.inArrivalOrder.push({ service, request, seq });
    if (this.size > this.max) this.forgetOldest();
  }

  /** Forgets requests received before `keepFromMs`. */
  prune(keepFromMs: number): void {
    while (this.head < this.inArrivalOrder.length && this.inArrivalOrder[this.head]!.request.receivedMs < keepFromMs) this.forgetOldest();
  }

  /**
   * The latest-starting request of `service`, under another trace than `traceId`, that started
   * no later than `startNanos` and ended no earlier than `endNanos` (a call inside it), or null.
   */
  servingDuring(service: string, traceId: string, startNanos: bigint, endNanos: bigint): ServedRequest | null {
    const requests = this.byService.get(service)?.requests;
    if (!requests) return null;
    const readBefore = requests.nodesRead;
    const found = requests.findContaining(startNanos, endNanos, (request) => request.traceId !== traceId);
    this.requestsRead += requests.nodesRead - readBefore;
    return found;
  }

  private forgetOldest(): void {
    const { service, request, seq } = this.inArrivalOrder[this.head++]!;
    const ofService = this.byService.get(service)!;
    ofService.requests.remove(request, seq);
    if (--ofService.held === 0) this.byService.delete(service);
    if (this.head > 10_000 && this.head * 2 > this.inArrivalOrder.length) {
      this.inArrivalOrder = this.inArrivalOrder.slice(this.head);
      this.head = 0;
    }
  }
}
