import { countAtOrUnder, type Measurements } from '@stitch/graph';
import type { SloDefinition, SloObjective } from './slo-definition.ts';

/**
 * How many of the measured requests met the objective, out of how many.
 *
 * Success: every request without a fault (5xx) is good; 4xx are the caller's mistake.
 * Latency: counted from the latency sketch (buckets 2 % wide): the buckets wholly at or under the
 * threshold, plus the bucket straddling it pro rata (linear interpolation), so `good` lies between
 * the exact counts at thresholds 2 % lower and 2 % higher, and may be fractional.
 */
export function goodAndTotal(objective: SloObjective, m: Measurements): { good: number; total: number } {
  const total = m.count;
  if (objective.kind === 'success') return { good: total - m.faults, total };
  return { good: countAtOrUnder(m.latency, objective.thresholdMs * 1e6), total };
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
