import type { ClickHouseClient } from '@clickhouse/client';
import { DAY_PARTITIONED_TABLES } from './schema.ts';
import { localTable, type TableLayout } from './table-layout.ts';
import { identifier, text } from './sql-literals.ts';
import { METRIC_RETENTION_DAYS } from './metric-tables.ts';

const DAY_MS = 86_400_000;

/** The partition id of a day (YYYYMMDD, as ClickHouse names partitions of a Date key). */
export function dayPartitionId(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * Retention by whole days, on one node: every partition of a day before the cutoff is dropped,
 * which frees its files at once (the TTL clause came after 18.16). `dataDays` null keeps spans
 * forever; delivery ids (and the writes they point to) are only needed while senders retry.
 */
export async function dropExpiredPartitions(
  node: ClickHouseClient,
  layout: TableLayout,
  nowMs: number,
  keep: { dataDays: number | null; deliveryDays: number },
): Promise<string[]> {
  const cutoffs: Array<[string, number]> = [
    ['deliveries', keep.deliveryDays],
    ['writes', keep.deliveryDays],
    ['derived_checkpoints', keep.deliveryDays],
  ];
  if (keep.dataDays !== null) cutoffs.push(...DAY_PARTITIONED_TABLES.map((table): [string, number] => [table, keep.dataDays!]));
  // Span metrics outlive short span retentions: a 30-day SLO needs its whole window.
  if (keep.dataDays !== null) cutoffs.push(['metric_buckets', Math.max(keep.dataDays, METRIC_RETENTION_DAYS)]);
  const dropped: string[] = [];
  for (const [table, days] of cutoffs) {
    // Today counts as one of the days kept.
    const oldestKept = dayPartitionId(nowMs - (days - 1) * DAY_MS);
    const result = await node.query({
      query: `SELECT DISTINCT partition_id FROM system.parts
              WHERE active AND database = ${text(layout.database)} AND table = ${text(`${table}_local`)}`,
      format: 'JSONEachRow',
    });
    for (const { partition_id: id } of (await result.json()) as Array<{ partition_id: string }>) {
      if (!/^\d{8}$/.test(id) || id >= oldestKept) continue;
      await node.command({ query: `ALTER TABLE ${localTable(layout, identifier(table))} DROP PARTITION ID '${id}'` });
      dropped.push(`${table}/${id}`);
    }
  }
  return dropped;
}
