/**
 * The most recently seen keys, at most `max` (the least recently seen forgotten first), each
 * with a value: "was this trace already counted?" without remembering every trace for ever.
 */
export class RecentKeys<V = true> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  /** Remembers the key (as the most recent); true when it was not remembered before. */
  set(key: string, value: V): boolean {
    const known = this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return !known;
  }

  get size(): number {
    return this.entries.size;
  }
}
