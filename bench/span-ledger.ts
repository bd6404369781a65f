// What the exporters were told about each span of the run, by its index (the low half of its id):
// one byte of fate and one of account per span, so a 10-minute run's millions of spans cost a few
// megabytes, not a Set of id strings.

export const SpanFate = { pending: 1, acknowledged: 2, refused: 3 } as const;
export type SpanFate = (typeof SpanFate)[keyof typeof SpanFate];

export class SpanLedger {
  private fates = new Uint8Array(1 << 16);
  private accounts = new Uint8Array(1 << 16);
  private count = 0;

  /** Spans handed out so far; indices run from 0 to size - 1. */
  get size(): number {
    return this.count;
  }

  /** Reserves `n` consecutive indices for spans of a new trace; returns the first. */
  reserve(n: number): number {
    while (this.count + n > this.fates.length) this.grow();
    const first = this.count;
    this.fates.fill(SpanFate.pending, first, first + n);
    this.count += n;
    return first;
  }

  setAccount(index: number, account: number): void {
    this.accounts[index] = account;
  }

  accountOf(index: number): number {
    return this.accounts[index]!;
  }

  fateOf(index: number): SpanFate {
    return this.fates[index] as SpanFate;
  }

  settle(indices: Uint32Array, fate: SpanFate): void {
    for (const index of indices) this.fates[index] = fate;
  }

  private grow(): void {
    const fates = new Uint8Array(this.fates.length * 2);
    fates.set(this.fates);
    const accounts = new Uint8Array(this.accounts.length * 2);
    accounts.set(this.accounts);
    this.fates = fates;
    this.accounts = accounts;
  }
}
