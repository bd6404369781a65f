/**
 * Idempotency keys of log deliveries this process stored, so that a sender's retry after a lost
 * answer is not stored twice. In memory and bounded: after a restart a retry may store a batch again.
 */
export class RecentDeliveries {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity = 100_000) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    this.keys.add(key);
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.values().next().value!);
  }
}
