import type { LogRecord } from './log-record.ts';
import { LIMITED_ATTRIBUTES_ATTRIBUTE, limitAttributes, SPAN_LIMITS } from './span-limits.ts';

/** Past these a log line is cut, not refused, as spans are: it still says what happened. */
export const LOG_LIMITS = {
  /** Characters of the body (a long stack trace fits). */
  bodyChars: SPAN_LIMITS.attributeValueChars,
  attributesPerRecord: SPAN_LIMITS.attributesPerSpan,
} as const;

/** The record within LOG_LIMITS (the same object when it already was); `stitch.limited_attributes` counts what was cut. */
export function limitLogRecord(record: LogRecord): LogRecord {
  const limited = limitAttributes(record.attributes);
  const longBody = record.body.length > LOG_LIMITS.bodyChars;
  if (!limited && !longBody) return record;
  const cut = (limited?.cut ?? 0) + (longBody ? 1 : 0);
  return {
    ...record,
    body: longBody ? record.body.slice(0, LOG_LIMITS.bodyChars) : record.body,
    attributes: { ...(limited?.attributes ?? record.attributes), [LIMITED_ATTRIBUTES_ATTRIBUTE]: cut },
  };
}
