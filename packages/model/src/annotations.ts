import type { Attributes } from './span.ts';

/**
 * The attribute listing which of a span's attributes are annotations: X-Ray's indexed,
 * searchable key-values (the rest is metadata: stored, not indexed). The name is the one the
 * AWS X-Ray exporter and ADOT SDKs use, so their spans keep their annotations here too.
 */
export const ANNOTATION_KEYS_ATTRIBUTE = 'aws.xray.annotations';

export type AnnotationValue = string | number | boolean;

/** The span's annotations, in the order listed; keys without a scalar value are skipped. */
export function annotationsOf(attributes: Attributes): Array<[string, AnnotationValue]> {
  const keys = attributes[ANNOTATION_KEYS_ATTRIBUTE];
  if (keys === undefined) return [];
  const list = Array.isArray(keys) ? keys : [keys];
  const seen = new Set<string>();
  const annotations: Array<[string, AnnotationValue]> = [];
  for (const key of list) {
    if (typeof key !== 'string' || seen.has(key)) continue;
    seen.add(key);
    const value = attributes[key];
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) annotations.push([key, value]);
  }
  return annotations;
}
