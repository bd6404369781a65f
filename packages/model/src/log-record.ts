import type { Account, Attributes } from './span.ts';
import type { TraceSummaryJson } from './trace-json.ts';
import type { Nanos } from './units.ts';

/** One log line, OTLP's LogRecord flattened, with the account its transport decided. */
export interface LogRecord {
  timeUnixNano: Nanos;
  /** OTLP severity number (1–24; 0 unspecified) and its text. */
  severityNumber: number;
  severityText: string;
  body: string;
  /** 32 lowercase hex, or '' when the line belongs to no trace. */
  traceId: string;
  /** 16 lowercase hex, or ''. */
  spanId: string;
  serviceName: string;
  attributes: Attributes;
  account: Account;
}

/** A log line as GET /api/logs answers it: the time as a decimal string (uint64 nanos do not fit a JSON number). */
export type LogRecordJson = Omit<LogRecord, 'timeUnixNano'> & { timeUnixNano: string };

export function logRecordJson(record: LogRecord): LogRecordJson {
  return { ...record, timeUnixNano: record.timeUnixNano.toString() };
}

/** GET /api/logs's answer; a line carries its trace's summary (and `traces` says how many matched) when the logs were joined with a filter's traces. */
export interface LogsAnswerJson {
  logs: Array<LogRecordJson & { trace?: TraceSummaryJson }>;
  traces?: { matched: number; limit: number; complete: boolean };
}
