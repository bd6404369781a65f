import { formatDuration } from '@stitch/graph';
import { ANNOTATION_KEYS_ATTRIBUTE, annotationsOf, type AttributeValue, type Attributes } from '@stitch/model';

/** An attribute value as text: arrays as their JSON, so `["a","b"]` and `"a,b"` stay apart. */
export function formatAttributeValue(value: AttributeValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A span's attributes for its table, by key, without the annotations (shown apart) and the list naming them. */
export function attributeRows(attributes: Attributes): Array<[string, string]> {
  const annotationKeys = new Set(annotationsOf(attributes).map(([key]) => key));
  return Object.keys(attributes)
    .filter((key) => key !== ANNOTATION_KEYS_ATTRIBUTE && !annotationKeys.has(key))
    .sort()
    .map((key) => [key, formatAttributeValue(attributes[key]!)]);
}

export interface ExceptionFacts {
  type: string;
  message: string;
  stacktrace: string;
  escaped: boolean;
}

/** An `exception` event's facts (OpenTelemetry's semantic conventions), or null for any other event. */
export function exceptionOf(event: { name: string; attributes: Attributes }): ExceptionFacts | null {
  if (event.name !== 'exception') return null;
  const text = (key: string): string => {
    const value = event.attributes[key];
    return value === undefined ? '' : formatAttributeValue(value);
  };
  return { type: text('exception.type'), message: text('exception.message'), stacktrace: text('exception.stacktrace'), escaped: event.attributes['exception.escaped'] === true };
}

/** A duration or an offset in nanoseconds as people read it ("8.5 s", "120 ms"); 0 as "0". */
export function formatNanos(value: number): string {
  return value === 0 ? '0' : formatDuration(BigInt(Math.round(value)));
}

/** An offset from a start: "+120 ms". */
export function formatOffset(value: number): string {
  return value < 0 ? formatNanos(value) : `+${formatNanos(value)}`;
}

/** A count with thousands separated ("10,000"); not toLocaleString, whose first call loads locale data (some 30 ms). */
export function formatCount(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
