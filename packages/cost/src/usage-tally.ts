import { addUsage, emptyUsageCounts, type UsageCounts, type UsageRow } from '@stitch/model';

/** Usage counted since the last flush, one row per (day, account, service). */
export class UsageTally {
  private readonly rows = new Map<string, UsageRow>();

  add(day: string, accountId: string, serviceName: string, counts: Partial<UsageCounts>, seenMs: number | null = null): void {
    const key = `${day}\u0000${accountId}\u0000${serviceName}`;
    let row = this.rows.get(key);
    if (!row) {
      row = { day, accountId, serviceName, ...emptyUsageCounts(), firstSeenMs: null, lastSeenMs: null };
      this.rows.set(key, row);
    }
    addUsage(row, { ...emptyUsageCounts(), ...counts, firstSeenMs: seenMs, lastSeenMs: seenMs });
  }

  /** Adds whole rows (a flush that failed, to be tried again). */
  addRows(rows: readonly UsageRow[]): void {
    for (const row of rows) {
      this.add(row.day, row.accountId, row.serviceName, row, row.firstSeenMs);
      if (row.lastSeenMs !== null) this.add(row.day, row.accountId, row.serviceName, {}, row.lastSeenMs);
    }
  }

  /** The rows counted so far; the tally starts again from nothing. */
  take(): UsageRow[] {
    const rows = [...this.rows.values()];
    this.rows.clear();
    return rows;
  }

  get size(): number {
    return this.rows.size;
  }
}
