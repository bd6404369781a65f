import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos, seededRandom, spansToBatch, type Span } from '@stitch/model';
import { costReport } from './cost-report.ts';
import { DEFAULT_PRICES } from './price-sheet.ts';
import { RecentKeys } from './recent-keys.ts';
import { countStored } from './usage-counting.ts';
import { UsageTally } from './usage-tally.ts';

// Generated traces through 2–3 services in 2–3 accounts (checkout runs two services), their spans
// delivered in shuffled batches of any size; every count of traces recorded is checked against
// what this file computes from the same spans.

const DAY_MS = 86_400_000;
const START = Date.parse('2030-03-10T00:00:00Z');
const SERVICES = [
  { account: 'edge', service: 'gateway' },
  { account: 'checkout', service: 'orchestrator' },
  { account: 'checkout', service: 'pricing' },
  { account: 'payments', service: 'payments' },
] as const;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function generatedTraces(seed: number, count: number): Span[] {
  const random = seededRandom(seed);
  const spans: Span[] = [];
  for (let t = 0; t < count; t++) {
    const traceId = `a${(t + 1).toString(16).padStart(31, '0')}`;
    // 2–3 services of the four, in two or three accounts (orchestrator with pricing is one account twice).
    const through = [...SERVICES].sort(() => random() - 0.5).slice(0, 2 + Math.floor(random() * 2));
    const startMs = START + Math.floor(random() * 2 * DAY_MS);
    through.forEach(({ account, service }, i) => {
      for (let n = 0, perService = 1 + Math.floor(random() * 3); n < perService; n++) {
        spans.push(
          makeSpan({
            traceId,
            spanId: `${(t + 1).toString(16).padStart(8, '0')}${(i * 4 + n + 1).toString(16).padStart(8, '0')}`,
            account: { id: account, label: account },
            resource: { serviceName: service, attributes: {} },
            // Within a minute of the trace's start: a trace never straddles two days here.
            startTimeUnixNano: nanos(BigInt(Math.min(startMs + i * 100 + n * 10, Math.floor(startMs / DAY_MS) * DAY_MS + DAY_MS - 1)) * 1_000_000n),
            endTimeUnixNano: nanos(BigInt(Math.min(startMs + i * 100 + n * 10, Math.floor(startMs / DAY_MS) * DAY_MS + DAY_MS - 1) + 5) * 1_000_000n),
          }),
        );
      }
    });
  }
  return spans.sort(() => random() - 0.5);
}

function counted(spans: Span[], seed: number) {
  const random = seededRandom(seed);
  const tally = new UsageTally();
  const seen = new RecentKeys(1_000_000);
  for (let from = 0; from < spans.length; ) {
    const size = 1 + Math.floor(random() * 40);
    countStored(spansToBatch(spans.slice(from, from + size)), tally, seen);
    from += size;
  }
  return tally.take();
}

test('traces recorded: once per trace and account (two services of one account count it once), the total once per trace', () => {
  const spans = generatedTraces(24, 820);
  const rows = counted(spans, 25);
  const report = costReport(rows, rows, DEFAULT_PRICES, '2030-03-10', '2030-03-11');

  // The truth, from the spans.
  const tracesOf = (keep: (span: Span) => boolean) => new Set(spans.filter(keep).map((s) => `${s.traceId}|${dayOf(Number(s.startTimeUnixNano / 1_000_000n))}`)).size;
  const distinct = tracesOf(() => true);
  assert.equal(distinct, 820, 'no trace straddles a day here');
  assert.equal(report.total.usage.tracesRecorded, distinct, 'the total counts each trace once');
  for (const account of ['edge', 'checkout', 'payments']) {
    const line = report.byAccount.find((l) => l.accountId === account)!;
    assert.equal(line.usage.tracesRecorded, tracesOf((s) => s.account.id === account), `${account}: each trace once`);
  }
  const accountsSum = report.byAccount.reduce((sum, l) => sum + l.usage.tracesRecorded, 0);
  assert.ok(accountsSum > distinct, `traces through several accounts count in each (${accountsSum} > ${distinct})`);
  // Services share their account's traces out: checkout's two add up to checkout's count, no more.
  const services = (names: string[]) => report.byService.filter((l) => names.includes(l.serviceName)).reduce((sum, l) => sum + l.usage.tracesRecorded, 0);
  assert.equal(services(['orchestrator', 'pricing']), report.byAccount.find((l) => l.accountId === 'checkout')!.usage.tracesRecorded);
  assert.equal(services(['orchestrator', 'pricing', 'gateway', 'payments']), accountsSum);
  for (const day of report.byDay) assert.equal(day.usage.tracesRecorded, tracesOf((s) => dayOf(Number(s.startTimeUnixNano / 1_000_000n)) === day.day), `${day.day}: each trace once`);
});

test('the bill prices each trace once; accounts, services and days add up to it', () => {
  const spans = generatedTraces(31, 300);
  const rows = counted(spans, 32);
  const prices = { ...DEFAULT_PRICES, freeTracesRecordedPerMonth: 100 };
  const report = costReport(rows, rows, prices, '2030-03-10', '2030-03-11');
  const distinct = new Set(spans.map((s) => s.traceId)).size;
  // Tolerance: float rounding only.
  const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;
  assert.ok(close(report.total.cost.tracesRecorded, ((distinct - 100) * prices.perMillionTracesRecorded) / 1e6), `${report.total.cost.tracesRecorded}`);
  assert.equal(report.freeTier[0]!.tracesRecorded, distinct);
  for (const lines of [report.byAccount, report.byService, report.byDay]) {
    assert.ok(close(lines.reduce((sum, l) => sum + l.cost.total, 0), report.total.cost.total));
  }
  assert.ok(close(report.total.costPerTrace!, report.total.cost.total / distinct));
});
