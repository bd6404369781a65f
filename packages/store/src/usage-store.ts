import type { UsageRow } from '@stitch/model';

/** Which usage to read: one account, one service, or both; everything when empty. */
export interface UsageSelector {
  accountId?: string;
  serviceName?: string;
}

/** Storing usage counts (the derived figures commit theirs with the checkpoint, `commitDerived`). */
export interface UsageWrites {
  /** Adds the rows' counts to what is kept (rows of a key already present are added to it, not replacing it). */
  addUsage(rows: readonly UsageRow[]): Promise<void>;
}

/** Reading usage: the cost routes. */
export interface UsageReads {
  /**
   * Usage of the days from `startDay` to `endDay` ('YYYY-MM-DD', both included), one row per
   * (day, account, service) with every row of that key added up, sorted by day, account, service.
   */
  readUsage(startDay: string, endDay: string, selector?: UsageSelector): Promise<UsageRow[]>;
}

/** Usage (for the cost profile), kept as counts that add up. */
export type UsageStore = UsageReads & UsageWrites;
