import type { Attributes, AttributeValue } from './span.ts';

/**
 * Attributes split by type into parallel key and value lists: the columns every store keeps, so
 * any attribute can be compared with its own type (a number as a number) without parsing JSON.
 * Lists that would be empty are left out. `other` holds what has no scalar column: arrays, and
 * numbers JSON cannot write (NaN, ±Infinity, and -0, which it writes as 0), each value as its
 * JSON text (`NaN`, `Infinity`, `-Infinity`, `-0` for those numbers).
 */
export interface TypedAttributes {
  str_keys?: string[];
  str_values?: string[];
  num_keys?: string[];
  num_values?: number[];
  bool_keys?: string[];
  bool_values?: boolean[];
  other_keys?: string[];
  other_values?: string[];
}

/** The list pairs of TypedAttributes, in the order the stores keep their columns. */
export const TYPED_ATTRIBUTE_LISTS = [
  ['str_keys', 'str_values'],
  ['num_keys', 'num_values'],
  ['bool_keys', 'bool_values'],
  ['other_keys', 'other_values'],
] as const;

/**
 * Text with every lone surrogate replaced by U+FFFD, as a UTF-8 conversion stores it: JSON text
 * may escape half a surrogate pair, and DuckDB's and ClickHouse's JSON readers refuse it.
 * (String.prototype.toWellFormed is in Node 20, ES2024; the project's lib is ES2022.)
 */
export const wellFormed = (text: string): string => (text as string & { toWellFormed(): string }).toWellFormed();

/** A number the stores keep as a number: finite and not -0 (JSON writes -0 as 0); the rest go to `other`. */
export const isStoredNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0);

/**
 * The attributes as TypedAttributes JSON: what SpanBatch carries and the stores take apart. Keys
 * and string values are made well-formed (a lone surrogate becomes U+FFFD, as every store's UTF-8
 * makes it): JSON would escape it as `\udXXX`, which the stores' JSON readers refuse.
 */
export function typedAttributesJson(attributes: Attributes): string {
  return `{${typedListMembers([attributes])}}`;
}

/**
 * The typed lists of several sets of attributes, each set's after the one before (so a key may
 * be listed more than once), as JSON object members without the braces ('' when all are empty).
 */
export function typedListMembers(sets: readonly Attributes[]): string {
  const typed: Required<TypedAttributes> = { str_keys: [], str_values: [], num_keys: [], num_values: [], bool_keys: [], bool_values: [], other_keys: [], other_values: [] };
  for (const attributes of sets) {
    for (const key in attributes) {
      const value = attributes[key]!;
      if (typeof value === 'string') {
        typed.str_keys.push(wellFormed(key));
        typed.str_values.push(wellFormed(value));
      } else if (isStoredNumber(value)) {
        typed.num_keys.push(wellFormed(key));
        typed.num_values.push(value);
      } else if (typeof value === 'boolean') {
        typed.bool_keys.push(wellFormed(key));
        typed.bool_values.push(value);
      } else {
        typed.other_keys.push(wellFormed(key));
        typed.other_values.push(typeof value !== 'number' ? JSON.stringify(value) : Object.is(value, -0) ? '-0' : String(value));
      }
    }
  }
  let json = '';
  for (const [keys, values] of TYPED_ATTRIBUTE_LISTS) {
    if (typed[keys].length === 0) continue;
    json += `${json === '' ? '' : ','}"${keys}":${JSON.stringify(typed[keys])},"${values}":${JSON.stringify(typed[values])}`;
  }
  return json;
}

/** The attributes back from their typed lists (grouped by type: strings, numbers, booleans, then the rest). */
export function attributesFromTyped(typed: TypedAttributes): Attributes {
  const attributes: Attributes = {};
  const put = (keys: readonly string[] | null | undefined, values: readonly AttributeValue[] | null | undefined) => {
    if (!keys || !values) return;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      // A key named __proto__ is data like any other, never the object's prototype (defineProperty
      // only there: it is several times slower than an assignment).
      if (key === '__proto__') Object.defineProperty(attributes, key, { value: values[i]!, enumerable: true, writable: true, configurable: true });
      else attributes[key] = values[i]!;
    }
  };
  put(typed.str_keys, typed.str_values);
  put(typed.num_keys, typed.num_values);
  put(typed.bool_keys, typed.bool_values);
  put(typed.other_keys, typed.other_values?.map(otherValueOf));
  return attributes;
}

/** TypedAttributes JSON (typedAttributesJson's output) back to attributes. */
export function attributesFromTypedJson(json: string): Attributes {
  return attributesFromTyped(JSON.parse(json) as TypedAttributes);
}

function otherValueOf(text: string): AttributeValue {
  if (text === 'NaN' || text === 'Infinity' || text === '-Infinity') return Number(text);
  return JSON.parse(text) as AttributeValue;
}
