import type { UsageRow } from '@stitch/model';

// Usage as both SQL stores read it back: a window's rows added up per (day, account, service),
// the sums named as the columns, the seen bounds first_seen and last_seen (ClickHouse substitutes
// an alias wherever its name appears, so those differ from the columns min and max read).

/** A read row as a usage row. Numbers as the driver hands them back (bigint, number or decimal string). */
export function usageFromRow(row: Record<string, unknown>): UsageRow {
  const ms = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return {
    day: row.day as string,
    accountId: row.account_id as string,
    serviceName: row.service_name as string,
    tracesRecorded: Number(row.traces_recorded),
    tracesFirstRecorded: Number(row.traces_first_recorded ?? 0),
    spans: Number(row.spans),
    bytesIngested: Number(row.bytes_ingested),
    bytesStored: Number(row.bytes_stored),
    tracesScanned: Number(row.traces_scanned),
    tracesRetrieved: Number(row.traces_retrieved),
    firstSeenMs: ms(row.first_seen),
    lastSeenMs: ms(row.last_seen),
  };
}
