import type { MetricSelector } from './metric-record.ts';

/** What a threshold rule watches, from the span metrics of its selector over its window. */
export const ALARM_METRICS = ['p50', 'p90', 'p99', 'avgLatencyMs', 'errorRate', 'faultRate', 'requests'] as const;
export type AlarmMetric = (typeof ALARM_METRICS)[number];

export const ALARM_COMPARATORS = ['>', '>=', '<', '<='] as const;
export type AlarmComparator = (typeof ALARM_COMPARATORS)[number];

/**
 * "p99 of checkout over the last 5 minutes > 2000 ms". Latency metrics are in milliseconds,
 * rates a share in [0, 1], requests a count. A window with fewer than `minRequests` requests
 * (default 1; 0 for `requests`, where no traffic is itself the figure) is INSUFFICIENT_DATA.
 */
export interface ThresholdCondition {
  kind: 'threshold';
  selector: MetricSelector;
  metric: AlarmMetric;
  comparator: AlarmComparator;
  threshold: number;
  windowMinutes: number;
  minRequests?: number;
}

/**
 * Multi-window burn rate of an SLO: fires only when both the long and the short window burn the
 * error budget faster than `factor` (14.4 over 1 h and 5 min spends 2 % of a 30-day budget in an
 * hour): the long window proves it matters, the short one that it is still happening.
 */
export interface BurnRateCondition {
  kind: 'burnRate';
  sloId: string;
  longWindowMinutes: number;
  shortWindowMinutes: number;
  factor: number;
}

export type AlarmCondition = ThresholdCondition | BurnRateCondition;

export const DEFAULT_BURN_RATE = { longWindowMinutes: 60, shortWindowMinutes: 5, factor: 14.4 } as const;

export interface AlarmRule {
  id: string;
  name: string;
  condition: AlarmCondition;
  /** Consecutive breaching evaluations before ALARM (1 = the first one): a single bad minute does not page. */
  datapointsToAlarm: number;
  /** Where state changes are POSTed, all of them in parallel. */
  webhooks: string[];
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** One line saying what a condition watches: "p99 > 2000 ms over 5 min (service checkout)". */
export function describeCondition(condition: AlarmCondition): string {
  if (condition.kind === 'burnRate') {
    return `SLO ${condition.sloId} burns its budget > ${condition.factor}× over ${condition.longWindowMinutes} min and ${condition.shortWindowMinutes} min`;
  }
  const { selector } = condition;
  const scope = [selector.account && `account ${selector.account}`, selector.service && `service ${selector.service}`, selector.operation && `operation ${selector.operation}`].filter(Boolean).join(', ');
  return `${condition.metric} ${condition.comparator} ${formatMetric(condition.metric, condition.threshold)} over ${condition.windowMinutes} min (${scope || 'every service'})`;
}

/** A metric's value with its unit: "2000 ms", "5 %", "120". */
export function formatMetric(metric: AlarmMetric, value: number): string {
  if (metric === 'requests') return String(value);
  if (metric === 'errorRate' || metric === 'faultRate') return `${round(value * 100)} %`;
  return `${round(value)} ms`;
}

const round = (value: number) => Math.round(value * 1000) / 1000;
