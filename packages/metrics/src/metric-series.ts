import { emptyMeasurements, mergeMeasurements, quantileOf, type Measurements } from '@stitch/graph';
import type { MetricRecord, MetricSelector } from './metric-record.ts';

export const METRIC_GROUPS = ['service', 'operation', 'account'] as const;
/** service: one series per service across accounts; operation: per service and operation; account: per account, service and operation. */
export type MetricGroup = (typeof METRIC_GROUPS)[number];

/** RED of one step: counts, rates in [0, 1], latencies in ms (null without requests). */
export interface MetricPoint {
  startMs: number;
  count: number;
  errors: number;
  faults: number;
  throttles: number;
  errorRate: number | null;
  faultRate: number | null;
  avgMs: number | null;
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
}

export interface SeriesKey {
  service: string;
  operation?: string;
  account?: string;
  accountLabel?: string;
}

export interface MetricSeries {
  key: SeriesKey;
  /** The whole window in one point (its startMs is the window's). */
  total: MetricPoint;
  /** One per step that had requests, oldest first. */
  points: MetricPoint[];
}

/** GET /api/metrics's answer (JSON as it is: every figure is a number). */
export interface MetricsJson {
  window: { startMs: number; endMs: number };
  stepMs: number;
  groupBy: MetricGroup;
  series: MetricSeries[];
}

const MINUTE_MS = 60_000;
/** Steps a series is cut into when none is asked: the finest that keeps a window within MAX_POINTS. */
export const STEPS_MS = [1, 5, 15, 30, 60, 180, 360, 720, 1440].map((minutes) => minutes * MINUTE_MS);
export const MAX_POINTS = 300;

export function autoStepMs(startMs: number, endMs: number): number {
  const span = Math.max(0, endMs - startMs);
  return STEPS_MS.find((step) => span / step <= MAX_POINTS) ?? STEPS_MS[STEPS_MS.length - 1]!;
}

export function selects(selector: MetricSelector | undefined, record: Pick<MetricRecord, 'account' | 'service' | 'operation'>): boolean {
  if (!selector) return true;
  return (
    (selector.account === undefined || selector.account === record.account) &&
    (selector.service === undefined || selector.service === record.service) &&
    (selector.operation === undefined || selector.operation === record.operation)
  );
}

/** The start of the step of `stepMs` (counted from `startMs`) a bucket falls in. */
export function stepStartOf(bucketStartMs: number, startMs: number, stepMs: number): number {
  return startMs + Math.floor((bucketStartMs - startMs) / stepMs) * stepMs;
}

/** Every record's measurements added up. */
export function totalOf(records: Iterable<Pick<MetricRecord, 'measurements'>>): Measurements {
  const total = emptyMeasurements();
  for (const record of records) mergeMeasurements(total, record.measurements);
  return total;
}

/**
 * RED of merged measurements. Quantiles come from the merged latency sketch (at most the
 * nearest-rank value and less than 2 % under it), never from averaging
 * percentiles; the mean from the exact latency sum.
 */
export function pointOf(startMs: number, m: Measurements): MetricPoint {
  const has = m.count > 0;
  const quantileMs = (q: number) => {
    const nanos = quantileOf(m.latency, q);
    return nanos === null ? null : Number(nanos) / 1e6;
  };
  return {
    startMs,
    count: m.count,
    errors: m.errors,
    faults: m.faults,
    throttles: m.throttles,
    errorRate: has ? m.errors / m.count : null,
    faultRate: has ? m.faults / m.count : null,
    avgMs: has ? Number(m.latencySumNanos) / m.count / 1e6 : null,
    p50Ms: quantileMs(0.5),
    p90Ms: quantileMs(0.9),
    p99Ms: quantileMs(0.99),
  };
}

export function keyOf(record: MetricRecord, groupBy: MetricGroup): SeriesKey {
  if (groupBy === 'service') return { service: record.service };
  if (groupBy === 'operation') return { service: record.service, operation: record.operation };
  return { account: record.account, accountLabel: record.accountLabel, service: record.service, operation: record.operation };
}

/**
 * Records (of any bucket width finer than the step) re-bucketed to `stepMs` from `startMs` and
 * grouped: series sorted by request count, most first; steps without requests left out.
 */
export function buildSeries(records: readonly MetricRecord[], options: { startMs: number; stepMs: number; groupBy: MetricGroup }): MetricSeries[] {
  const { startMs, stepMs, groupBy } = options;
  const groups = new Map<string, { key: SeriesKey; total: Measurements; steps: Map<number, Measurements> }>();
  for (const record of records) {
    const key = keyOf(record, groupBy);
    const id = JSON.stringify([key.account, key.service, key.operation]);
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { key, total: emptyMeasurements(), steps: new Map() }));
    const stepStart = stepStartOf(record.bucketStartMs, startMs, stepMs);
    let step = group.steps.get(stepStart);
    if (!step) group.steps.set(stepStart, (step = emptyMeasurements()));
    mergeMeasurements(step, record.measurements);
    mergeMeasurements(group.total, record.measurements);
  }
  return [...groups.values()]
    .map((group) => ({
      key: group.key,
      total: pointOf(startMs, group.total),
      points: [...group.steps.entries()].sort(([a], [b]) => a - b).map(([stepStart, m]) => pointOf(stepStart, m)),
    }))
    .sort((a, b) => b.total.count - a.total.count || compareKeys(a.key, b.key));
}

function compareKeys(a: SeriesKey, b: SeriesKey): number {
  return `${a.service}\u0000${a.operation ?? ''}\u0000${a.account ?? ''}`.localeCompare(`${b.service}\u0000${b.operation ?? ''}\u0000${b.account ?? ''}`);
}
