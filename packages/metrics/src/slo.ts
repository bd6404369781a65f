import { LATENCY_BOUNDS_NANOS, type Measurements } from '@stitch/graph';
import type { SloDefinition, SloObjective } from './slo-definition.ts';

/**
 * How many of the measured requests met the objective, out of how many.
 *
 * Success: every request without a fault (5xx) is good; 4xx are the caller's mistake.
 * Latency: the histogram keeps only bucket counts, so good requests are those of the buckets
 * wholly at or under the threshold, plus the bucket straddling it pro rata: its count times the
 * share of its width (lower bound, upper bound] under the threshold, as if its durations were
 * spread evenly (linear interpolation). Buckets are 25 % wide, so `good` may be fractional and
 * is exact whenever no request falls into the straddling bucket. The overflow bucket (> ~65 s)
 * has no upper bound and counts as bad.
 */
export function goodAndTotal(objective: SloObjective, m: Measurements): { good: number; total: number } {
  const total = m.count;
  if (objective.kind === 'success') return { good: total - m.faults, total };
  return { good: countWithin(m.histogram, objective.thresholdMs * 1e6), total };
}

/** Requests of a histogram at or under `thresholdNanos`, the straddling bucket interpolated. */
export function countWithin(histogram: readonly number[], thresholdNanos: number): number {
  let good = 0;
  for (let i = 0; i < LATENCY_BOUNDS_NANOS.length; i++) {
    const count = histogram[i] ?? 0;
    const lower = i === 0 ? 0 : Number(LATENCY_BOUNDS_NANOS[i - 1]!);
    const upper = Number(LATENCY_BOUNDS_NANOS[i]!);
    if (upper <= thresholdNanos) good += count;
    else {
      if (thresholdNanos > lower) good += (count * (thresholdNanos - lower)) / (upper - lower);
      break;
    }
  }
  return good;
}

/**
 * How fast the error budget burns: the bad share divided by the share the target allows
 * (1 − target). 1 spends the budget exactly over the window, 14.4 spends a 30-day budget in
 * about two days; null when there were no requests to judge.
 */
export function burnRate(slo: Pick<SloDefinition, 'objective' | 'target'>, m: Measurements): number | null {
  const { good, total } = goodAndTotal(slo.objective, m);
  if (total === 0) return null;
  return (total - good) / total / (1 - slo.target);
}
