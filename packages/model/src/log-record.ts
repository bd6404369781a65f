import type { Account, Attributes } from './span.ts';
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
