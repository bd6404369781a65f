// Branded time units: OTLP speaks nanoseconds (uint64), humans and X-Ray speak
// (milli)seconds. Mixing them must not compile.
declare const nanosBrand: unique symbol;
declare const millisBrand: unique symbol;

/** Unix time or a duration in nanoseconds; bigint because uint64 nanos overflow a double's precision. */
export type Nanos = bigint & { readonly [nanosBrand]: true };
/** Unix time or a duration in milliseconds, as a float. */
export type Millis = number & { readonly [millisBrand]: true };

export const nanos = (value: bigint): Nanos => value as Nanos;
export const millis = (value: number): Millis => value as Millis;

export const NANOS_PER_MILLI = 1_000_000n;

export function nanosToMillis(value: Nanos): Millis {
  // Split to keep sub-millisecond precision without converting a 64-bit value to a double in one go.
  return millis(Number(value / NANOS_PER_MILLI) + Number(value % NANOS_PER_MILLI) / 1e6);
}

export function millisToNanos(value: Millis): Nanos {
  const whole = Math.trunc(value);
  return nanos(BigInt(whole) * NANOS_PER_MILLI + BigInt(Math.round((value - whole) * 1e6)));
}

/** Nanoseconds per unit of a written duration (`8s`, `200ms`, `1.5m`), for every parser of durations. */
export const DURATION_UNIT_NANOS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
/** About 100 years: a longer duration is a typo, and its nanoseconds would overflow int64. */
export const MAX_DURATION_NANOS = 3.15e18;
