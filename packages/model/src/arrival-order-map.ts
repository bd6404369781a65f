interface Slot<K, V> {
  key: K;
  value: V;
  /** False once deleted, taken or set again (its place in `order` is then skipped). */
  live: boolean;
}

/** Stale places in arrival order tolerated before they are dropped in one pass (amortised O(1)). */
const COMPACT_AFTER = 1_024;

/**
 * A Map kept in order of arrival (a key set again moves to the back) whose oldest entries are read
 * and taken at a cost that does not grow with its size. A Map's own front, once keys were deleted,
 * is reached past every deleted slot since its last rehash: taking the oldest key of 100,000
 * costs tens of microseconds (see RecentKeys). Here the Map only finds keys; the order is an
 * array read from a moving head.
 */
export class ArrivalOrderMap<K, V> {
  private readonly byKey = new Map<K, Slot<K, V>>();
  private order: Array<Slot<K, V>> = [];
  private head = 0;
  /** Places in `order`, past the head, of entries no longer live. */
  private stale = 0;
  /** Places in arrival order read so far: what taking the oldest cost (tests hold it flat). */
  placesRead = 0;

  get size(): number {
    return this.byKey.size;
  }

  get(key: K): V | undefined {
    return this.byKey.get(key)?.value;
  }

  has(key: K): boolean {
    return this.byKey.has(key);
  }

  /** Sets the key's value, as the most recent. */
  set(key: K, value: V): void {
    const earlier = this.byKey.get(key);
    if (earlier) this.retire(earlier);
    const slot = { key, value, live: true };
    this.byKey.set(key, slot);
    this.order.push(slot);
  }

  delete(key: K): boolean {
    const slot = this.byKey.get(key);
    if (!slot) return false;
    this.byKey.delete(key);
    this.retire(slot);
    return true;
  }

  /** The oldest entry, left in place. */
  oldest(): [K, V] | undefined {
    const slot = this.oldestSlot();
    return slot ? [slot.key, slot.value] : undefined;
  }

  /** Removes the oldest entry and returns it. */
  takeOldest(): [K, V] | undefined {
    const slot = this.oldestSlot();
    if (!slot) return undefined;
    slot.live = false;
    this.byKey.delete(slot.key);
    this.head++;
    this.trimHead();
    return [slot.key, slot.value];
  }

  /** Every value, oldest first. */
  *values(): Generator<V> {
    for (let i = this.head; i < this.order.length; i++) if (this.order[i]!.live) yield this.order[i]!.value;
  }

  private oldestSlot(): Slot<K, V> | undefined {
    while (this.head < this.order.length) {
      this.placesRead++;
      if (this.order[this.head]!.live) break;
      this.head++;
      this.stale--;
    }
    this.trimHead();
    return this.order[this.head];
  }

  private retire(slot: Slot<K, V>): void {
    slot.live = false;
    this.stale++;
    if (this.stale > COMPACT_AFTER && this.stale > this.byKey.size) {
      this.order = this.order.slice(this.head).filter((held) => held.live);
      this.head = 0;
      this.stale = 0;
    }
  }

  private trimHead(): void {
    if (this.head > COMPACT_AFTER && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }
}
