import { nanos, type Nanos } from '@stitch/model';

export const byValue = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** Nearest-rank percentile (q in 0..1) of values sorted ascending; null when there are none. */
export function percentileOfSorted(sorted: readonly bigint[], q: number): Nanos | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return nanos(sorted[rank - 1]!);
}

export function percentile(values: readonly bigint[], q: number): Nanos | null {
  return percentileOfSorted([...values].sort(byValue), q);
}
