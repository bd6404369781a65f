import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyUsageCounts, type UsageRow } from '@stitch/model';
import { costReport, freeShareByDay } from './cost-report.ts';
import { DEFAULT_PRICES } from './price-sheet.ts';

// Each row's traces are its own (no trace through two rows): first recorded there too.
const row = (day: string, accountId: string, serviceName: string, more: Partial<UsageRow>): UsageRow => ({
  day,
  accountId,
  serviceName,
  ...emptyUsageCounts(),
  firstSeenMs: null,
  lastSeenMs: null,
  ...more,
  tracesFirstRecorded: more.tracesRecorded ?? 0,
});

// By hand: January's free 100,000 cover Jan 1 (60,000) whole and 40,000 of Jan 2's 80,000 (half);
// February starts again from nothing.
const JANUARY = [
  row('2030-01-01', 'a', 'checkout', { tracesRecorded: 40_000 }),
  row('2030-01-01', 'b', 'payments', { tracesRecorded: 20_000 }),
  row('2030-01-02', 'a', 'checkout', { tracesRecorded: 20_000, tracesScanned: 600_000, tracesRetrieved: 400_000 }),
  row('2030-01-02', 'b', 'payments', { tracesRecorded: 60_000, bytesIngested: 3e9 }),
];
const FEBRUARY = [row('2030-02-01', 'b', 'payments', { tracesRecorded: 10_000 })];

test('the free tier is used up day by day from the first of each month, and shared by every row of the day it runs out', () => {
  const { byDay, months } = freeShareByDay([...JANUARY, ...FEBRUARY], 100_000);
  assert.deepEqual(Object.fromEntries(byDay), { '2030-01-01': 1, '2030-01-02': 0.5, '2030-02-01': 1 });
  assert.deepEqual(months, [
    { month: '2030-01', tracesRecorded: 140_000, freeTraces: 100_000 },
    { month: '2030-02', tracesRecorded: 10_000, freeTraces: 10_000 },
  ]);
});

test('a window of January 2 to February 1: costs per account, service and day, each adding up to the total', () => {
  const prices = { ...DEFAULT_PRICES, perGbIngested: 0.1 };
  const inWindow = [...JANUARY.slice(2), ...FEBRUARY];
  const report = costReport(inWindow, [...JANUARY, ...FEBRUARY], prices, '2030-01-02', '2030-02-01');
  // a: 10,000 billable traces ($0.05) + 1,000,000 read ($0.50); b: 30,000 billable ($0.15) + 3 GB ($0.30); February free.
  const totals = (lines: Array<{ cost: { total: number } }>) => lines.map((line) => Math.round(line.cost.total * 1e6) / 1e6);
  assert.deepEqual(totals(report.byAccount), [0.55, 0.45]);
  assert.deepEqual(report.byAccount.map((line) => line.accountId), ['a', 'b']);
  assert.deepEqual(totals(report.byService), [0.55, 0.45]);
  assert.deepEqual(report.byService[1]!.accounts, ['b']);
  assert.deepEqual(totals(report.byDay), [1, 0]);
  assert.ok(Math.abs(report.total.cost.total - 1) < 1e-12);
  assert.equal(report.total.usage.tracesRecorded, 90_000);
  assert.equal(report.total.cost.billableTracesRecorded, 40_000);
  assert.ok(Math.abs(report.total.costPerTrace! - 1 / 90_000) < 1e-15);
  assert.ok(Math.abs(report.total.costPerGb! - 1 / 3) < 1e-12, 'per GB ingested');
  assert.equal(report.byAccount[0]!.costPerGb, null, 'no bytes, no cost per GB');
});

test('an empty window costs nothing and says so', () => {
  const report = costReport([], [], DEFAULT_PRICES, '2030-01-01', '2030-01-31');
  assert.equal(report.total.cost.total, 0);
  assert.equal(report.total.costPerTrace, null);
  assert.deepEqual([report.byAccount, report.byService, report.byDay, report.freeTier], [[], [], [], []]);
});
