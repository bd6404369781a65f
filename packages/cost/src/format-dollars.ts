/** Below this a cost prints as "< $0.000000000001" rather than as a row of zeros. */
const SMALLEST_SHOWN = 1e-12;

/**
 * US dollars for people: cents from a cent up ($1,234.56), two significant digits below a cent
 * ($0.0050, $0.000000093 — a trace's price), never exponent notation.
 */
export function formatDollars(value: number): string {
  const sign = value < 0 ? '-' : '';
  const size = Math.abs(value);
  if (size === 0 || size >= 0.01) return `${sign}$${size.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  if (size < SMALLEST_SHOWN) return `${sign}< $${SMALLEST_SHOWN.toFixed(12)}`;
  // Two significant digits: 9.25e-8 has its first digit at the 8th decimal, so 9 decimals.
  const decimals = 1 - Math.floor(Math.log10(size));
  return `${sign}$${size.toFixed(decimals)}`;
}
