import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpClient } from './http-client.ts';
import type { PayloadCursor } from './ingest-load.ts';

export interface OpenLoopOptions {
  spansPerSecond: number;
  seconds: number;
  /** Answers before this many seconds into the run are not counted: the rate settles at the new load. */
  settleSeconds: number;
  /** Requests in flight at most; one due while that many wait is not sent (counted as `notSent`). */
  maxInFlight: number;
}

export interface OpenLoopResult {
  offeredSpansPerSecond: number;
  /** Spans answered 200 (stored) per second, over the counted part of the run. */
  ackedSpansPerSecond: number;
  requests: number;
  acked: number;
  /** Answered 503: central shed them (no retries here). */
  shed: number;
  /** Any other answer, or none. */
  failed: number;
  notSent: number;
  firstFailure: string | null;
  /** Spans acknowledged over the whole run: what the store must hold. */
  totalAckedSpans: number;
}

/** Ticks of the schedule per second: requests due in a tick start together. */
const TICKS_PER_SECOND = 100;

/**
 * Open-loop load: requests start on a schedule at the offered rate whatever the answers, as many
 * independent exporters would, with a bounded number in flight. Nothing is retried: a 503 is
 * counted as shed. The acknowledged rate counts 200s answered after the settling time.
 */
export async function runOpenLoopLoad(client: HttpClient, cursor: PayloadCursor, options: OpenLoopOptions): Promise<OpenLoopResult> {
  const started = performance.now();
  const countFrom = started + options.settleSeconds * 1_000;
  const until = started + options.seconds * 1_000;
  const inFlight = new Set<Promise<void>>();
  const result: OpenLoopResult = { offeredSpansPerSecond: 0, ackedSpansPerSecond: 0, requests: 0, acked: 0, shed: 0, failed: 0, notSent: 0, firstFailure: null, totalAckedSpans: 0 };
  let offeredSpans = 0;
  let countedSpans = 0;

  const send = (body: Uint8Array, spanCount: number) => {
    result.requests++;
    const answer = client.post('/v1/traces', body, 'application/x-protobuf').then((reply) => {
      const answeredAt = performance.now();
      if (reply.status === 200) {
        result.acked++;
        result.totalAckedSpans += spanCount;
        if (answeredAt >= countFrom && answeredAt <= until) countedSpans += spanCount;
      } else if (reply.status === 503) {
        result.shed++;
      } else {
        result.failed++;
        result.firstFailure ??= reply.error ?? `HTTP ${reply.status}: ${reply.body.toString('utf8', 0, 300)}`;
      }
    });
    inFlight.add(answer);
    void answer.finally(() => inFlight.delete(answer));
  };

  // Spans due so far minus spans sent: a request goes out whenever a whole one is due.
  for (let tick = 1; performance.now() < until; tick++) {
    const dueSpans = (options.spansPerSecond * tick) / TICKS_PER_SECOND;
    while (offeredSpans < dueSpans) {
      const { body, spanCount } = cursor.next();
      offeredSpans += spanCount;
      if (inFlight.size >= options.maxInFlight) result.notSent++;
      else send(body, spanCount);
    }
    await sleep(Math.max(0, started + (tick * 1_000) / TICKS_PER_SECOND - performance.now()));
  }
  await Promise.all(inFlight);
  result.offeredSpansPerSecond = Math.round(offeredSpans / options.seconds);
  result.ackedSpansPerSecond = Math.round(countedSpans / (options.seconds - options.settleSeconds));
  return result;
}
