/**
 * Recently seen keys, at most `max`, each with a value: "was this trace already counted?"
 * without remembering every trace for ever. Two generations of max/2 keys: when the newer fills,
 * the older is forgotten whole. (Evicting one key at a time from a Map's front makes V8 skip every
 * deleted slot on each eviction: tens of microseconds a key once full.)
 */
export class RecentKeys<V = true> {
  private newer = new Map<string, V>();
  private older = new Map<string, V>();
  private readonly generation: number;

  constructor(max: number) {
    this.generation = Math.max(1, Math.floor(max / 2));
  }

  get(key: string): V | undefined {
    return this.newer.has(key) ? this.newer.get(key) : this.older.get(key);
  }

  has(key: string): boolean {
    return this.newer.has(key) || this.older.has(key);
  }

  /** Remembers the key (as the most recent); true when it was not remembered before. */
  set(key: string, value: V): boolean {
    const known = this.older.delete(key) || this.newer.has(key);
    this.newer.set(key, value);
    if (this.newer.size >= this.generation) {
      this.older = this.newer;
      this.newer = new Map();
    }
    return !known;
  }

  get size(): number {
    return this.newer.size + this.older.size;
  }
}
