/**
 * Group commit: writes that arrive while an insert is in flight wait and go together in the next
 * one. ClickHouse wants few large inserts (each makes a part on disk that merges must fold in);
 * under load the inserts grow, when quiet each write goes alone at once. Each writer's promise
 * settles with the insert that carried it.
 */
export class WriteQueue<T> {
  private pending: Array<{ item: T; weight: number; resolve: () => void; reject: (error: unknown) => void }> = [];
  private inFlight = 0;
  private drained: Array<() => void> = [];

  constructor(
    private readonly flush: (items: T[]) => Promise<void>,
    private readonly options: { maxInFlight: number; maxWeight: number },
  ) {}

  push(item: T, weight: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, weight, resolve, reject });
      this.pump();
    });
  }

  /** Resolves once every write pushed so far has settled. */
  idle(): Promise<void> {
    if (this.inFlight === 0 && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.pending.length > 0) {
      // At least one write, then as many as fit the weight limit.
      let weight = this.pending[0]!.weight;
      let count = 1;
      while (count < this.pending.length && weight + this.pending[count]!.weight <= this.options.maxWeight) weight += this.pending[count++]!.weight;
      const group = this.pending.splice(0, count);
      this.inFlight += 1;
      this.flush(group.map((entry) => entry.item)).then(
        () => group.forEach((entry) => entry.resolve()),
        (error: unknown) => group.forEach((entry) => entry.reject(error)),
      ).finally(() => {
        this.inFlight -= 1;
        this.pump();
        if (this.inFlight === 0 && this.pending.length === 0) this.drained.splice(0).forEach((resolve) => resolve());
      });
    }
  }
}
