import { quantileOf, type Measurements } from '@stitch/graph';
import type { MetricSelector } from './metric-record.ts';
import type { SloDefinition } from './slo-definition.ts';
import { burnRate } from './slo.ts';
import { formatMetric, type AlarmComparator, type AlarmMetric, type AlarmRule, type BurnRateCondition, type ThresholdCondition } from './alarm-rule.ts';
import type { Observation } from './alarm-state.ts';

/** What evaluating a rule reads: span metrics over a window, and SLO definitions. */
export interface AlarmInputs {
  measure(selector: MetricSelector, startMs: number, endMs: number): Promise<Measurements>;
  slo(id: string): SloDefinition | null;
}

/**
 * A metric of a window's requests; null when it has none to measure. Percentiles come from the
 * latency sketch (at most the nearest-rank value and less than 2 % under it), the mean from
 * the exact latency sum.
 */
export function metricValue(metric: AlarmMetric, measurements: Measurements): number | null {
  if (metric === 'requests') return measurements.count;
  if (measurements.count === 0) return null;
  switch (metric) {
    case 'p50':
    case 'p90':
    case 'p99': {
      const nanos = quantileOf(measurements.latency, Number(metric.slice(1)) / 100);
      return nanos === null ? null : Number(nanos) / 1e6;
    }
    case 'avgLatencyMs':
      return Number(measurements.latencySumNanos) / measurements.count / 1e6;
    case 'errorRate':
      return measurements.errors / measurements.count;
    case 'faultRate':
      return measurements.faults / measurements.count;
  }
}

export function compares(value: number, comparator: AlarmComparator, threshold: number): boolean {
  switch (comparator) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}

const MINUTE_MS = 60_000;

/** Evaluates a rule at `nowMs` over the windows ending then. */
export async function evaluateRule(rule: AlarmRule, inputs: AlarmInputs, nowMs: number): Promise<Observation> {
  return rule.condition.kind === 'threshold' ? evaluateThreshold(rule.condition, inputs, nowMs) : evaluateBurnRate(rule.condition, inputs, nowMs);
}

async function evaluateThreshold(condition: ThresholdCondition, inputs: AlarmInputs, nowMs: number): Promise<Observation> {
  const measurements = await inputs.measure(condition.selector, nowMs - condition.windowMinutes * MINUTE_MS, nowMs);
  const minRequests = condition.minRequests ?? (condition.metric === 'requests' ? 0 : 1);
  const value = metricValue(condition.metric, measurements);
  const over = `over ${condition.windowMinutes} min`;
  if (measurements.count < minRequests || value === null) {
    return { outcome: 'insufficient', value, reason: `${measurements.count} requests ${over}, fewer than the ${Math.max(1, minRequests)} needed` };
  }
  const breaching = compares(value, condition.comparator, condition.threshold);
  const counted = condition.metric === 'requests' ? '' : ` (${measurements.count} requests)`;
  const shown = `${condition.metric} ${formatMetric(condition.metric, value)} ${over}${counted}`;
  const relation = breaching ? condition.comparator : `not ${condition.comparator}`;
  return { outcome: breaching ? 'breaching' : 'ok', value, reason: `${shown} is ${relation} ${formatMetric(condition.metric, condition.threshold)}` };
}

async function evaluateBurnRate(condition: BurnRateCondition, inputs: AlarmInputs, nowMs: number): Promise<Observation> {
  const slo = inputs.slo(condition.sloId);
  if (!slo) return { outcome: 'insufficient', value: null, reason: `SLO ${condition.sloId} does not exist (any more)` };
  const burnOver = async (minutes: number) => burnRate(slo, await inputs.measure(slo.selector, nowMs - minutes * MINUTE_MS, nowMs));
  const [long, short] = await Promise.all([burnOver(condition.longWindowMinutes), burnOver(condition.shortWindowMinutes)]);
  const windows = `${condition.longWindowMinutes} min ${show(long)}, ${condition.shortWindowMinutes} min ${show(short)}`;
  if (long === null || short === null) {
    return { outcome: 'insufficient', value: long, reason: `SLO ${slo.name}: no requests in a window (burn rate ${windows})` };
  }
  const breaching = long > condition.factor && short > condition.factor;
  return {
    outcome: breaching ? 'breaching' : 'ok',
    value: long,
    reason: `SLO ${slo.name} burn rate ${windows}: ${breaching ? 'both over' : 'not both over'} ${condition.factor}×`,
  };
}

const show = (rate: number | null) => (rate === null ? 'n/a' : `${Math.round(rate * 100) / 100}×`);
