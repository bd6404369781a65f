import type { MetricRecord } from './metric-record.ts';
import { totalOf } from './metric-series.ts';
import type { SloDefinition } from './slo-definition.ts';
import { burnRate, goodAndTotal } from './slo.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface ErrorBudget {
  /** Bad requests the target allows among this window's requests: (1 − target) × total. */
  allowedBad: number;
  bad: number;
  /** 1 − bad / allowedBad: the share of the budget left; negative once it is overspent. */
  remaining: number;
}

export interface SloDay {
  dayStartMs: number;
  total: number;
  good: number;
  /** Null on a day without requests. */
  compliance: number | null;
  /** The budget left at the end of this day, counting from the window's start. */
  budgetRemaining: number;
}

export interface SloStatus {
  window: { startMs: number; endMs: number; days: number };
  total: number;
  good: number;
  /** good / total; null without requests. */
  compliance: number | null;
  errorBudget: ErrorBudget;
  /** Over the last hour, 6 hours, day and the whole window; null where there were no requests. */
  burnRate: { '1h': number | null; '6h': number | null; '24h': number | null; window: number | null };
  /** Whether compliance reaches the target (a window without requests breaks no promise). */
  met: boolean;
  daily: SloDay[];
}

/** A status as the API answers it: the list of SLOs leaves the daily series out. */
export type SloStatusJson = Omit<SloStatus, 'daily'> & { daily?: SloDay[] };

export function errorBudgetOf(target: number, good: number, total: number): ErrorBudget {
  const allowedBad = (1 - target) * total;
  const bad = total - good;
  return { allowedBad, bad, remaining: allowedBad > 0 ? 1 - bad / allowedBad : 1 };
}

/**
 * Where an SLO stands at `nowMs`, from the span-metric records of its selector over its window
 * (buckets starting in [nowMs − windowDays, nowMs)). Days are UTC days, the first one cut at the
 * window's start.
 */
export function sloStatus(slo: SloDefinition, records: readonly MetricRecord[], nowMs: number): SloStatus {
  const startMs = nowMs - slo.windowDays * DAY_MS;
  const inWindow = records.filter((record) => record.bucketStartMs >= startMs && record.bucketStartMs < nowMs);
  const { good, total } = goodAndTotal(slo.objective, totalOf(inWindow));
  const compliance = total > 0 ? good / total : null;
  const burnOver = (ms: number) => burnRate(slo, totalOf(inWindow.filter((record) => record.bucketStartMs >= nowMs - ms)));
  return {
    window: { startMs, endMs: nowMs, days: slo.windowDays },
    total,
    good,
    compliance,
    errorBudget: errorBudgetOf(slo.target, good, total),
    burnRate: { '1h': burnOver(HOUR_MS), '6h': burnOver(6 * HOUR_MS), '24h': burnOver(DAY_MS), window: burnRate(slo, totalOf(inWindow)) },
    met: compliance === null || compliance >= slo.target,
    daily: dailyOf(slo, inWindow, startMs, nowMs),
  };
}

function dailyOf(slo: SloDefinition, records: readonly MetricRecord[], startMs: number, endMs: number): SloDay[] {
  const byDay = new Map<number, MetricRecord[]>();
  for (const record of records) {
    const day = record.bucketStartMs - (record.bucketStartMs % DAY_MS);
    let list = byDay.get(day);
    if (!list) byDay.set(day, (list = []));
    list.push(record);
  }
  const days: SloDay[] = [];
  let runningGood = 0;
  let runningTotal = 0;
  for (let day = startMs - (startMs % DAY_MS); day < endMs; day += DAY_MS) {
    const { good, total } = goodAndTotal(slo.objective, totalOf(byDay.get(day) ?? []));
    runningGood += good;
    runningTotal += total;
    days.push({
      dayStartMs: Math.max(day, startMs),
      total,
      good,
      compliance: total > 0 ? good / total : null,
      budgetRemaining: errorBudgetOf(slo.target, runningGood, runningTotal).remaining,
    });
  }
  return days;
}
