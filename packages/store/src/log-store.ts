import type { LogRecord, Nanos } from '@stitch/model';

/** What a log search asks for: every condition given must hold. */
export interface LogQuery {
  /** The record's time is in [startNanos, endNanos). */
  startNanos: Nanos;
  endNanos: Nanos;
  /** Records of these traces only (an empty list matches nothing). */
  traceIds?: readonly string[];
  /** OTLP severity number at least this (WARN = 13). */
  severityAtLeast?: number;
  /** A substring of the body, compared case-insensitively, taken literally. */
  text?: string;
  serviceName?: string;
  /** The account's id or its label. */
  account?: string;
  limit: number;
  /** Oldest first (a trace's story); newest first when absent. Ties in time come in no set order. */
  oldestFirst?: boolean;
}

/** Finding log records (kept next to the spans) by trace, time, severity and text. */
export interface LogReads {
  searchLogs(query: LogQuery): Promise<LogRecord[]>;
}

/** Storing log records: the OTLP logs ingest. */
export interface LogWrites {
  /** Stores every record or none; resolves once they are queryable. */
  writeLogs(records: readonly LogRecord[]): Promise<void>;
}

/** Log records, kept next to the spans and found by trace. */
export type LogStore = LogReads & LogWrites;
