import type { LogRecord } from '@stitch/model';
import type { LogQuery } from './log-store.ts';

/** Whether a record answers the query: the meaning every store's SQL must have (the in-memory store is this). */
export function logMatches(query: Omit<LogQuery, 'limit' | 'oldestFirst'>, record: LogRecord): boolean {
  if (record.timeUnixNano < query.startNanos || record.timeUnixNano >= query.endNanos) return false;
  if (query.traceIds && !query.traceIds.includes(record.traceId)) return false;
  if (query.severityAtLeast !== undefined && record.severityNumber < query.severityAtLeast) return false;
  if (query.serviceName !== undefined && record.serviceName !== query.serviceName) return false;
  if (query.account !== undefined && record.account.id !== query.account && record.account.label !== query.account) return false;
  if (query.text !== undefined && !record.body.toLowerCase().includes(query.text.toLowerCase())) return false;
  return true;
}

/** Records in the query's order, cut to its limit. */
export function orderLogs(records: LogRecord[], query: Pick<LogQuery, 'limit' | 'oldestFirst'>): LogRecord[] {
  const sign = query.oldestFirst ? 1 : -1;
  records.sort((a, b) => (a.timeUnixNano === b.timeUnixNano ? 0 : a.timeUnixNano < b.timeUnixNano ? -sign : sign));
  return records.slice(0, query.limit);
}
