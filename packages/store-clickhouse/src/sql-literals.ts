// ClickHouse 18.16 (Debian's) has no query parameters ({name:Type} came with 19.x), so values
// travel inside the SQL text, but never as the user's text: a string becomes unhex('…') of its
// UTF-8 bytes, a number is formatted from a number. Neither alphabet (hex digits; digits, sign,
// point, exponent) can close a literal or start SQL, whatever the value holds.

export function text(value: string): string {
  return `unhex('${Buffer.from(value, 'utf8').toString('hex')}')`;
}

export function textArray(values: readonly string[]): string {
  return values.length === 0 ? 'emptyArrayString()' : `[${values.map(text).join(', ')}]`;
}

export function int64(value: bigint): string {
  if (typeof value !== 'bigint') throw new TypeError(`int64 literal of a ${typeof value}`);
  return `toInt64(${value.toString()})`;
}

export function float64(value: number): string {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`float64 literal of ${String(value)}`);
  // A filter may compare with 1e999 (Infinity): ClickHouse writes it inf.
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return `toFloat64(${value.toString()})`;
}

/**
 * A double exactly: 18.16 parses decimal text inexactly (span-layout.ts), so the literal is the
 * number's IEEE 754 bits, turned back as num_values turns the stored bits. Any double, ±Infinity too.
 */
export function exactFloat64(value: number): string {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`float64 literal of ${String(value)}`);
  const bits = new DataView(new ArrayBuffer(8));
  bits.setFloat64(0, value);
  return `reinterpretAsFloat64(reinterpretAsString(toUInt64(${bits.getBigUint64(0).toString()})))`;
}

/** Identifiers (database, cluster) come from the operator's configuration, and are checked rather than escaped. */
export function identifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) throw new TypeError(`"${name}" is not a plain identifier (letters, digits, underscore)`);
  return name;
}
