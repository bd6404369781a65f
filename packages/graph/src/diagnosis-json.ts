import type { Diagnosis } from './diagnosis.ts';

/** A value with every bigint as its decimal string: uint64 nanos do not fit a JSON number. */
export type Jsonified<T> = T extends bigint ? string : T extends ReadonlyArray<infer U> ? Jsonified<U>[] : T extends object ? { [K in keyof T]: Jsonified<T[K]> } : T;

export type DiagnosisJson = Jsonified<Diagnosis>;

/** The diagnosis as the JSON API carries it: nanos as decimal strings, as in SpanJson. */
export function diagnosisToJson(diagnosis: Diagnosis): DiagnosisJson {
  return stringifyBigints(diagnosis) as DiagnosisJson;
}

function stringifyBigints(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(stringifyBigints);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, stringifyBigints(inner)]));
  return value;
}
