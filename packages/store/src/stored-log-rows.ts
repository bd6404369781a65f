import { nanos, type Attributes, type LogRecord } from '@stitch/model';

// Log records as both SQL stores keep them: one row each, the attributes as JSON text. A read
// names the time time_unix_nano (ClickHouse hands it over as a decimal string, DuckDB as a bigint).

/** A read row as a record. */
export function logFromRow(row: Record<string, unknown>): LogRecord {
  return {
    timeUnixNano: nanos(BigInt(row.time_unix_nano as bigint | string)),
    severityNumber: Number(row.severity_number),
    severityText: row.severity_text as string,
    body: row.body as string,
    traceId: row.trace_id as string,
    spanId: row.span_id as string,
    serviceName: row.service_name as string,
    attributes: JSON.parse(row.attributes_json as string) as Attributes,
    account: { id: row.account_id as string, label: row.account_label as string },
  };
}
