import type { CanaryRun } from '@stitch/canary';

/** A run as central keeps and answers it. */
export interface CanaryRunRecord extends CanaryRun {
  trigger: 'schedule' | 'manual';
  /** Whether its spans reached the store (a store outage loses the trace, not the result). */
  stored: boolean;
}

export interface CanaryStats {
  /** Since central started. */
  runs: number;
  failures: number;
  /** Due times skipped because the previous run was still going. */
  skipped: number;
}

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
