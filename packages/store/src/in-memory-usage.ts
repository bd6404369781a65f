import { addUsage, type UsageRow } from '@stitch/model';
import type { UsageSelector, UsageStore } from './usage-store.ts';

/** Usage in plain memory, one row per key: the reference the usage contract is checked against. */
export class InMemoryUsage implements UsageStore {
  private readonly rows = new Map<string, UsageRow>();

  async addUsage(rows: readonly UsageRow[]): Promise<void> {
    for (const row of rows) {
      const key = JSON.stringify([row.day, row.accountId, row.serviceName]);
      const kept = this.rows.get(key);
      if (kept) addUsage(kept, row);
      else this.rows.set(key, { ...row });
    }
  }

  async readUsage(startDay: string, endDay: string, selector: UsageSelector = {}): Promise<UsageRow[]> {
    return [...this.rows.values()]
      .filter((row) => row.day >= startDay && row.day <= endDay)
      .filter((row) => (selector.accountId === undefined || row.accountId === selector.accountId) && (selector.serviceName === undefined || row.serviceName === selector.serviceName))
      .map((row) => ({ ...row }))
      .sort(byKey);
  }
}

export function byKey(a: UsageRow, b: UsageRow): number {
  return compare(a.day, b.day) || compare(a.accountId, b.accountId) || compare(a.serviceName, b.serviceName);
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
