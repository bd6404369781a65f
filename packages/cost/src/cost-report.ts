import { addUsage, emptyUsageCounts, type UsageCounts, type UsageRow } from '@stitch/model';
import { BYTES_PER_GB, type PriceSheet } from './price-sheet.ts';
import { monthOf } from './utc-day.ts';

export interface CostBreakdown {
  /** Traces recorded past the month's free tier, and what they cost. */
  billableTracesRecorded: number;
  tracesRecorded: number;
  tracesRead: number;
  bytesIngested: number;
  bytesStored: number;
  total: number;
}

export interface CostLine {
  usage: UsageCounts;
  cost: CostBreakdown;
  /** Total cost per trace recorded (the line's `usage.tracesRecorded`), and per GB ingested; null when there were none. */
  costPerTrace: number | null;
  costPerGb: number | null;
}

export interface CostReport {
  startDay: string;
  endDay: string;
  prices: PriceSheet;
  total: CostLine;
  byAccount: Array<CostLine & { accountId: string }>;
  byService: Array<CostLine & { serviceName: string; accounts: string[] }>;
  byDay: Array<CostLine & { day: string }>;
  /** Per calendar month touched by the window: traces recorded in the whole month, and how many of them were free. */
  freeTier: Array<{ month: string; tracesRecorded: number; freeTraces: number }>;
}

/**
 * The share of each day's recorded traces that the month's free tier covers. The free tier is
 * used up day by day from the first of the month; the day it runs out, it covers the same share
 * of every account's and service's traces of that day. `monthRows`: every row of the months
 * concerned, from their first day.
 */
export function freeShareByDay(monthRows: readonly UsageRow[], freePerMonth: number): { byDay: Map<string, number>; months: CostReport['freeTier'] } {
  const perDay = new Map<string, number>();
  for (const row of monthRows) perDay.set(row.day, (perDay.get(row.day) ?? 0) + row.tracesFirstRecorded);
  const byDay = new Map<string, number>();
  const months = new Map<string, { tracesRecorded: number; freeTraces: number }>();
  for (const day of [...perDay.keys()].sort()) {
    const recorded = perDay.get(day)!;
    const month = months.get(monthOf(day)) ?? { tracesRecorded: 0, freeTraces: 0 };
    months.set(monthOf(day), month);
    const free = Math.min(recorded, Math.max(0, freePerMonth - month.freeTraces));
    month.tracesRecorded += recorded;
    month.freeTraces += free;
    byDay.set(day, recorded === 0 ? 0 : free / recorded);
  }
  return { byDay, months: [...months.entries()].map(([month, m]) => ({ month, ...m })) };
}

/**
 * What one row of usage costs, with its day's share of the free tier. A trace is priced once,
 * on the row that stored its first span (`tracesFirstRecorded`), as X-Ray bills a trace recorded.
 */
export function costOf(usage: UsageCounts, freeShare: number, prices: PriceSheet): CostBreakdown {
  const billable = usage.tracesFirstRecorded * (1 - freeShare);
  const tracesRecorded = (billable * prices.perMillionTracesRecorded) / 1e6;
  const tracesRead = ((usage.tracesScanned + usage.tracesRetrieved) * prices.perMillionTracesScanned) / 1e6;
  const bytesIngested = (usage.bytesIngested / BYTES_PER_GB) * prices.perGbIngested;
  const bytesStored = (usage.bytesStored / BYTES_PER_GB) * prices.perGbStored;
  return { billableTracesRecorded: billable, tracesRecorded, tracesRead, bytesIngested, bytesStored, total: tracesRecorded + tracesRead + bytesIngested + bytesStored };
}

const emptyCost = (): CostBreakdown => ({ billableTracesRecorded: 0, tracesRecorded: 0, tracesRead: 0, bytesIngested: 0, bytesStored: 0, total: 0 });

function addCost(into: CostBreakdown, more: CostBreakdown): void {
  for (const key of Object.keys(into) as Array<keyof CostBreakdown>) into[key] += more[key];
}

/**
 * A line of the report. Where the line holds whole traces (the total, a day), its traces recorded
 * are the distinct ones: a trace through three accounts is one trace there, and one in each account.
 */
function line(usage: UsageCounts, cost: CostBreakdown, wholeTraces = false): CostLine {
  if (wholeTraces) usage = { ...usage, tracesRecorded: usage.tracesFirstRecorded };
  return {
    usage,
    cost,
    costPerTrace: usage.tracesRecorded === 0 ? null : cost.total / usage.tracesRecorded,
    costPerGb: usage.bytesIngested === 0 ? null : cost.total / (usage.bytesIngested / BYTES_PER_GB),
  };
}

/**
 * Usage and cost of the window's days, in total, per account, per service and per day. `rows`:
 * the window's rows; `monthRows`: every row of the calendar months the window touches (the free
 * tier is counted over whole months). Each row's cost is computed once and added up, so the
 * accounts, the services and the days each add up to the total.
 */
export function costReport(rows: readonly UsageRow[], monthRows: readonly UsageRow[], prices: PriceSheet, startDay: string, endDay: string): CostReport {
  const { byDay: freeShare, months } = freeShareByDay(monthRows, prices.freeTracesRecordedPerMonth);
  type Group = { usage: UsageCounts; cost: CostBreakdown; accounts: Set<string> };
  const groups = { total: new Map<string, Group>(), account: new Map<string, Group>(), service: new Map<string, Group>(), day: new Map<string, Group>() };
  const addTo = (map: Map<string, Group>, key: string, row: UsageRow, cost: CostBreakdown) => {
    let group = map.get(key);
    if (!group) map.set(key, (group = { usage: emptyUsageCounts(), cost: emptyCost(), accounts: new Set() }));
    addUsage(group.usage, row);
    addCost(group.cost, cost);
    group.accounts.add(row.accountId);
  };
  for (const row of rows) {
    const cost = costOf(row, freeShare.get(row.day) ?? 0, prices);
    addTo(groups.total, '', row, cost);
    addTo(groups.account, row.accountId, row, cost);
    addTo(groups.service, row.serviceName, row, cost);
    addTo(groups.day, row.day, row, cost);
  }
  const sorted = <G>(map: Map<string, G>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const total = groups.total.get('');
  return {
    startDay,
    endDay,
    prices,
    total: total ? line(total.usage, total.cost, true) : line(emptyUsageCounts(), emptyCost(), true),
    byAccount: sorted(groups.account).map(([accountId, g]) => ({ accountId, ...line(g.usage, g.cost) })),
    byService: sorted(groups.service).map(([serviceName, g]) => ({ serviceName, accounts: [...g.accounts].sort(), ...line(g.usage, g.cost) })),
    byDay: sorted(groups.day).map(([day, g]) => ({ day, ...line(g.usage, g.cost, true) })),
    freeTier: months,
  };
}
