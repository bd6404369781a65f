import { ApiError } from '@stitch/http';

export interface ReadSlotOptions {
  /** Reads of one credential that run at once. */
  perCredential: number;
  /** Reads of one credential that may wait for a slot; one more is a 429. */
  maxWaiting: number;
  /** How long a read waits for a slot before it is a 429. */
  maxWaitMs: number;
}

interface Slots {
  running: number;
  waiting: Array<() => void>;
}

/**
 * A few reads at a time per credential: one holder of the read token running costly queries
 * shares the store with everyone else instead of taking all of it. Reads past the limit wait in
 * a short queue, then are refused with 429 and Retry-After (clients retry).
 */
export class ReadSlots {
  private readonly byCredential = new Map<string, Slots>();

  constructor(private readonly options: ReadSlotOptions) {}

  async run<T>(credential: string, work: () => Promise<T>): Promise<T> {
    const slots = this.byCredential.get(credential) ?? { running: 0, waiting: [] };
    this.byCredential.set(credential, slots);
    if (slots.running >= this.options.perCredential) await this.waitForSlot(slots);
    else slots.running += 1;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter; the entry goes once nobody uses it (bounded by live credentials).
      const next = slots.waiting.shift();
      if (next) next();
      else if (--slots.running === 0) this.byCredential.delete(credential);
    }
  }

  private waitForSlot(slots: Slots): Promise<void> {
    const { perCredential, maxWaiting, maxWaitMs } = this.options;
    if (slots.waiting.length >= maxWaiting) throw busy(`${perCredential} reads with this credential are running and ${maxWaiting} waiting`);
    return new Promise((resolve, reject) => {
      const admit = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        slots.waiting.splice(slots.waiting.indexOf(admit), 1);
        reject(busy(`waited ${maxWaitMs} ms while ${perCredential} reads with this credential ran`));
      }, maxWaitMs);
      slots.waiting.push(admit);
    });
  }
}

function busy(what: string): ApiError {
  return new ApiError(429, `reads: ${what}; retry in a moment`, { headers: { 'retry-after': '1' } });
}
