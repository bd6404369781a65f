import type { LogRecord } from '@stitch/model';
import { logMatches, orderLogs } from './log-matches.ts';
import type { LogQuery, LogStore } from './log-store.ts';

/** Log records in plain memory: the in-memory store's logs, and the reference of the log contract. */
export class InMemoryLogs implements LogStore {
  private readonly records: LogRecord[] = [];

  async writeLogs(records: readonly LogRecord[]): Promise<void> {
    this.records.push(...records);
  }

  async searchLogs(query: LogQuery): Promise<LogRecord[]> {
    return orderLogs(
      this.records.filter((record) => logMatches(query, record)),
      query,
    );
  }
}
