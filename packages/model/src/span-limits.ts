import { httpFactsOf } from './http-facts.ts';
import type { AttributeValue, Attributes, Span } from './span.ts';

/**
 * How much one span may carry. Past these, attributes are cut rather than the span refused: the
 * span still tells its story, and it says what was cut in `stitch.limited_attributes`.
 */
export const SPAN_LIMITS = {
  /** OpenTelemetry SDKs default to 128; 256 leaves room for agents that add their own. */
  attributesPerSpan: 256,
  /** Characters of one string value (each element of an array counts alone): a long stack trace fits. */
  attributeValueChars: 32_768,
} as const;

/** On a span whose attributes were cut: how many were dropped or shortened, its own and its events'. */
export const LIMITED_ATTRIBUTES_ATTRIBUTE = 'stitch.limited_attributes';

/** The span within SPAN_LIMITS: the same object when it already was, else a copy with what was cut counted. */
export function limitSpanAttributes(span: Span): Span {
  const own = limitAttributes(span.attributes);
  let cut = own?.cut ?? 0;
  let events = span.events;
  for (let i = 0; i < span.events.length; i++) {
    const limited = limitAttributes(span.events[i]!.attributes);
    if (!limited) continue;
    if (events === span.events) events = [...span.events];
    events[i] = { ...span.events[i]!, attributes: limited.attributes };
    cut += limited.cut;
  }
  if (cut === 0) return span;
  const attributes = { ...(own?.attributes ?? span.attributes), [LIMITED_ATTRIBUTES_ATTRIBUTE]: cut };
  return { ...span, attributes, events, http: httpFactsOf(attributes) };
}

/** Attributes within SPAN_LIMITS (log records share them); null when they already fit. */
export function limitAttributes(attributes: Attributes): { attributes: Attributes; cut: number } | null {
  let count = 0;
  let fits = true;
  for (const key in attributes) {
    count += 1;
    if (count > SPAN_LIMITS.attributesPerSpan || !valueFits(attributes[key]!)) {
      fits = false;
      break;
    }
  }
  if (fits) return null;
  const limited: Attributes = {};
  let cut = 0;
  let kept = 0;
  for (const key in attributes) {
    if (kept === SPAN_LIMITS.attributesPerSpan) {
      cut += 1;
      continue;
    }
    const value = attributes[key]!;
    kept += 1;
    if (valueFits(value)) {
      limited[key] = value;
      continue;
    }
    cut += 1;
    limited[key] = Array.isArray(value) ? value.map(shorten) : shorten(value as string);
  }
  return { attributes: limited, cut };
}

const valueFits = (value: AttributeValue): boolean =>
  typeof value === 'string' ? value.length <= SPAN_LIMITS.attributeValueChars : !Array.isArray(value) || value.every((item) => typeof item !== 'string' || item.length <= SPAN_LIMITS.attributeValueChars);

function shorten<T extends string | number | boolean>(value: T): T | string {
  return typeof value === 'string' && value.length > SPAN_LIMITS.attributeValueChars ? value.slice(0, SPAN_LIMITS.attributeValueChars) : value;
}
