import type { MetricRecord, MetricSelector } from '@stitch/metrics';
import type { MetricReads } from '@stitch/store';

/**
 * A window's span-metric records for a selector whose account may be an id or a label (what
 * people type): service and operation narrow the store's read, the account is matched here.
 * With `stepMs`, rolled up into steps from `startMs` by the store.
 */
export async function readSelectedRecords(store: MetricReads, startMs: number, endMs: number, selector: MetricSelector, stepMs?: number): Promise<MetricRecord[]> {
  const { account, ...rest } = selector;
  const records = await store.readMetricRecords(startMs, endMs, rest, stepMs);
  return account === undefined ? records : records.filter((record) => record.account === account || record.accountLabel === account);
}
