import { ArrivalOrderMap, type Span } from '@stitch/model';

/** A producer span, or a consumer span linking to producers, and whether it was handed over (`addUnpaired`). */
export interface MessageSide {
  span: Span;
  receivedMs: number;
  handed: boolean;
}

const keyOf = (traceId: string, spanId: string) => `${traceId}:${spanId}`;

/**
 * Messages a batch consumer received without being their child: its span links to the producer
 * spans (OpenTelemetry's messaging conventions), whichever arrives first. Both are kept three
 * pair waits: federated, a producer reaches central a wait and a hand-off after its consumer.
 *
 * Federated, an agent pairs its own account's messages and central only those across accounts:
 * a pair one of whose sides was handed over is central's only when the accounts differ, so no
 * message is counted twice.
 */
export class LinkedMessages {
  private readonly producers = new ArrivalOrderMap<string, MessageSide>();
  /** By the producer they wait for, in order of the first to wait. */
  private readonly consumers = new ArrivalOrderMap<string, MessageSide[]>();

  constructor(
    private readonly max: number,
    private readonly onMessage: (producer: Span, consumer: Span) => void,
  ) {}

  addProducer(side: MessageSide): void {
    const key = keyOf(side.span.traceId, side.span.spanId);
    this.producers.set(key, side);
    for (const consumer of this.consumers.get(key) ?? []) this.pairIfOurs(side, consumer);
    this.consumers.delete(key);
    if (this.producers.size > this.max) this.producers.takeOldest();
  }

  addConsumer(side: MessageSide): void {
    for (const link of side.span.links) {
      // A link to its own parent is paired as a parent.
      if (link.traceId === side.span.traceId && link.spanId === side.span.parentSpanId) continue;
      const key = keyOf(link.traceId, link.spanId);
      const producer = this.producers.get(key);
      if (producer) {
        this.pairIfOurs(producer, side);
        continue;
      }
      const waiting = this.consumers.get(key);
      if (waiting) waiting.push(side);
      else this.consumers.set(key, [side]);
    }
    if (this.consumers.size > this.max) this.consumers.takeOldest();
  }

  /** Forgets what was received before `keepFromMs`. */
  prune(keepFromMs: number): void {
    while ((this.consumers.oldest()?.[1][0]!.receivedMs ?? Infinity) < keepFromMs) this.consumers.takeOldest();
    while ((this.producers.oldest()?.[1].receivedMs ?? Infinity) < keepFromMs) this.producers.takeOldest();
  }

  private pairIfOurs(producer: MessageSide, consumer: MessageSide): void {
    const sameAccount = producer.span.account.id === consumer.span.account.id;
    if ((producer.handed || consumer.handed) && sameAccount) return;
    this.onMessage(producer.span, consumer.span);
  }
}
