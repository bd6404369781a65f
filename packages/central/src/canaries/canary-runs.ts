import type { CanaryRunRecord, CanaryStats } from '@stitch/canary';

/** How many recent runs central keeps per canary (older ones remain as traces). */
export const RUNS_KEPT = 100;

/** The recent runs of each canary, newest last, and its counts since central started. */
export class CanaryRuns {
  private readonly runs = new Map<string, CanaryRunRecord[]>();
  private readonly stats = new Map<string, CanaryStats>();

  add(run: CanaryRunRecord): void {
    const list = this.runs.get(run.canaryId) ?? [];
    list.push(run);
    if (list.length > RUNS_KEPT) list.shift();
    this.runs.set(run.canaryId, list);
    const stats = this.statsOf(run.canaryId);
    stats.runs += 1;
    if (!run.ok) stats.failures += 1;
  }

  skipped(id: string): void {
    this.statsOf(id).skipped += 1;
  }

  /** Newest first. */
  recent(id: string, limit: number = RUNS_KEPT): CanaryRunRecord[] {
    return (this.runs.get(id) ?? []).slice(-limit).reverse();
  }

  last(id: string): CanaryRunRecord | null {
    return this.runs.get(id)?.at(-1) ?? null;
  }

  statsOf(id: string): CanaryStats {
    let stats = this.stats.get(id);
    if (!stats) this.stats.set(id, (stats = { runs: 0, failures: 0, skipped: 0 }));
    return stats;
  }

  forget(id: string): void {
    this.runs.delete(id);
    this.stats.delete(id);
  }
}
