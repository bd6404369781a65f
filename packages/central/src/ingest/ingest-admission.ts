/** What admission asks of the store's side: the spans it has yet to store, and how fast it stores them. */
export interface StoreBacklog {
  /** Spans waiting in the write queue and being written. */
  readonly backlogSpans: number;
  /** Spans stored per second while busy; null before it is known. */
  readonly drainSpansPerSecond: number | null;
}

export interface AdmissionOptions {
  /** New requests are shed while the spans admitted would take the store longer than this to store. */
  backlogTargetMs: number;
  /**
   * Fewer spans admitted than this are never too many, whatever the rate: they go in one write,
   * and the rate measured on small writes is mostly each write's fixed cost (a store that wrote
   * 1-span batches in 125 ms looked like 8 spans/s, and shed a burst of 8 spans).
   */
  minBacklogSpans: number;
  /** Requests read and decoded at once; admitted ones past it wait their turn, their bodies unread. */
  maxDecoding: number;
  /** Admitted requests waiting for their turn, past which new ones are shed. */
  maxWaiting: number;
  /**
   * While fewer admitted requests than this are unanswered, the next is admitted whatever the
   * backlog: a few senders (a closed loop of exporters) are never shed on a slow store, where
   * turning them away would not relieve it.
   */
  alwaysAdmitted: number;
  /** For the jitter of Retry-After (tests pass their own). */
  random?: () => number;
}

/** One admitted request: it waits for its turn to read and decode, says what it held, and when it was answered. */
export interface AdmissionTicket {
  /** Resolves when the request may read and decode its body. */
  turn(): Promise<void>;
  /** Read and decoded: frees its turn and its estimate (its spans now wait in the write queue); `spans` and `bodyBytes` (as received) teach the estimate. Idempotent. */
  decoded(sizes?: { spans: number; bodyBytes: number }): void;
  /** Answered, whatever the answer (decoded, if it was not yet). Idempotent. */
  answered(): void;
}

export type AdmissionDecision = { admitted: true; ticket: AdmissionTicket } | { admitted: false; reason: string; retryAfterS: number };

/** An estimate's weight of each new request. */
const LEARN_WEIGHT = 0.1;

/**
 * Decides, before a request's body is read, whether central takes it. Past what the store can
 * store, reading and decoding bodies only to refuse them would take the CPU the store needs
 * (acknowledged spans/s fell from 25k to 18k at twice the load): instead a request is shed at
 * once (503 + Retry-After) while the spans already admitted (waiting for the store, being
 * written, and being read or decoded, estimated from the body's declared size) would take the
 * store longer than the target at the rate it has been storing (a few unanswered requests are
 * always admitted: see `alwaysAdmitted`). Admitted requests are read and decoded a few at a time,
 * and shed afterwards only by maxPendingSpans, the hard limit on memory, checked before this and
 * again once the request's spans are counted.
 */
export class IngestAdmission {
  private decoding = 0;
  private unanswered = 0;
  private readonly waiting: Array<() => void> = [];
  /** Spans estimated for the requests admitted and not yet decoded. */
  private admittedSpans = 0;
  private spansPerByte: number | null = null;
  private spansPerRequest: number | null = null;
  private readonly random: () => number;

  constructor(
    private readonly options: AdmissionOptions,
    private readonly store: StoreBacklog,
  ) {
    this.random = options.random ?? Math.random;
  }

  /** Spans admitted and not yet decoded (an estimate until decoded). */
  get estimatedSpans(): number {
    return this.admittedSpans;
  }

  /** `declaredBytes`: the request's Content-Length, null when it has none. */
  admit(declaredBytes: number | null): AdmissionDecision {
    if (this.unanswered < this.options.alwaysAdmitted) return { admitted: true, ticket: this.ticket(this.estimate(declaredBytes)) };
    if (this.waiting.length >= this.options.maxWaiting) {
      return this.shed(`${this.waiting.length} requests already wait for their turn to be decoded`);
    }
    const rate = this.store.drainSpansPerSecond;
    if (rate !== null) {
      const backlog = this.store.backlogSpans + this.admittedSpans;
      // A store whose writes all failed lately takes nothing (rate 0): past the minimum, nothing more is admitted.
      const backlogMs = backlog === 0 || backlog < this.options.minBacklogSpans ? 0 : rate > 0 ? (backlog / rate) * 1_000 : Infinity;
      if (backlogMs > this.options.backlogTargetMs) {
        const time = Number.isFinite(backlogMs) ? `about ${Math.round(backlogMs)} ms` : 'the store has stored nothing lately';
        return this.shed(`${Math.round(backlog)} spans admitted are still to be stored (${time} at the ${Math.round(rate)} spans/s it stores; ${this.options.backlogTargetMs} ms are admitted at once)`);
      }
    }
    return { admitted: true, ticket: this.ticket(this.estimate(declaredBytes)) };
  }

  private ticket(estimate: number): AdmissionTicket {
    this.admittedSpans += estimate;
    this.unanswered += 1;
    let state: 'waiting' | 'decoding' | 'done' = 'waiting';
    let answered = false;
    const decoded = (sizes?: { spans: number; bodyBytes: number }) => {
      if (state === 'done') return;
      // A ticket still waiting hands its turn on when it comes.
      if (state === 'decoding') this.handOn();
      state = 'done';
      this.admittedSpans -= estimate;
      if (sizes) this.learn(sizes.spans, sizes.bodyBytes);
    };
    return {
      turn: () => {
        if (state !== 'waiting') return Promise.resolve();
        if (this.decoding < this.options.maxDecoding) {
          this.decoding += 1;
          state = 'decoding';
          return Promise.resolve();
        }
        return new Promise<void>((resolve) =>
          this.waiting.push(() => {
            // The turn is handed over: `decoding` stays counted for it (and handed on at once by a ticket already done).
            if (state === 'done') return this.handOn();
            state = 'decoding';
            resolve();
          }),
        );
      },
      decoded,
      answered: () => {
        decoded();
        if (answered) return;
        answered = true;
        this.unanswered -= 1;
      },
    };
  }

  private handOn(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.decoding -= 1;
  }

  private estimate(declaredBytes: number | null): number {
    if (declaredBytes !== null && this.spansPerByte !== null) return declaredBytes * this.spansPerByte;
    return this.spansPerRequest ?? 0;
  }

  private learn(spans: number, bodyBytes: number): void {
    const average = (known: number | null, sample: number) => (known === null ? sample : known + LEARN_WEIGHT * (sample - known));
    this.spansPerRequest = average(this.spansPerRequest, spans);
    if (bodyBytes > 0) this.spansPerByte = average(this.spansPerByte, spans / bodyBytes);
  }

  /** Retry-After of 1 or 2 s at random, so the clients shed together do not all come back in the same second. */
  private shed(why: string): AdmissionDecision {
    const retryAfterS = this.random() < 0.5 ? 1 : 2;
    return { admitted: false, reason: `ingest: over capacity, shed before reading: ${why}; retry after ${retryAfterS} s`, retryAfterS };
  }
}
