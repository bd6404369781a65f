import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PRICES } from './price-sheet.ts';
import { incomingRate, recordedRate, whatIf } from './what-if.ts';

const XRAY_DEFAULT = { fixedTarget: 1, rate: 0.05 };
const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-6 * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);

test('a rule records its reservoir, then its rate of the rest; the inverse finds the incoming requests again', () => {
  for (const [incoming, recorded] of [[0.5, 0.5], [1, 1], [5, 1.2], [21, 2]] as const) {
    close(recordedRate(incoming, XRAY_DEFAULT), recorded, `records of ${incoming}/s`);
    close(incomingRate(recorded, XRAY_DEFAULT).incoming, incoming, `incoming of ${recorded}/s`);
  }
  assert.deepEqual(incomingRate(3, { fixedTarget: 2, rate: 0 }), { incoming: 3, lowerBound: true });
});

test('checkout to 100 %: 72 traces in a minute under 1/s + 5 % are 5 requests a second, so +9,849,600 traces and +$49.248 a month', () => {
  // By hand: 72 / 60 = 1.2/s recorded = 1 + 5 % of 4 ⇒ 5/s incoming. A month (30 days) is
  // 2,592,000 s: 3,110,400 traces now, 12,960,000 at 100 %. Bills past the 100,000 free at $5
  // per million: (3,110,400 − 100,000) × 5e-6 = $15.052, (12,960,000 − 100,000) × 5e-6 = $64.30.
  const answer = whatIf({
    tracesRecorded: 72,
    observedSeconds: 60,
    bytesIngested: 72_000,
    bytesStored: 0,
    current: XRAY_DEFAULT,
    proposed: { fixedTarget: 1, rate: 1 },
    allTracesPerMonth: 3_110_400,
    prices: DEFAULT_PRICES,
  });
  close(answer.incomingPerSecond, 5, 'incoming');
  assert.equal(answer.incomingIsLowerBound, false);
  close(answer.recordedPerSecond.proposed, 5, 'recorded at 100 %');
  close(answer.tracesPerMonth.current, 3_110_400, 'traces now');
  close(answer.tracesPerMonth.change, 9_849_600, 'more traces');
  close(answer.costPerMonth.current, 15.052, 'bill now');
  close(answer.costPerMonth.proposed, 64.3, 'bill at 100 %');
  close(answer.costPerMonth.change, 49.248, 'more dollars');
});

test('other services use up the free tier first; a priced GB adds the change in bytes; lowering the rate saves', () => {
  // 2 traces/s recorded = 1 + 5 % of 20 ⇒ 21/s. At 10 %: 1 + 2 = 3/s. Month: 5,184,000 → 7,776,000 (+2,592,000).
  // Others record 10,000,000 a month, past the free tier already: +2,592,000 × 5e-6 = $12.96;
  // bytes: 1,000 a trace at $0.25 a GB ingested: +2,592,000 × 1e-6 × 0.25 = $0.648.
  const input = {
    tracesRecorded: 7_200,
    observedSeconds: 3_600,
    bytesIngested: 7_200_000,
    bytesStored: 0,
    current: XRAY_DEFAULT,
    proposed: { fixedTarget: 1, rate: 0.1 },
    allTracesPerMonth: 15_184_000,
    prices: { ...DEFAULT_PRICES, perGbIngested: 0.25 },
  };
  const answer = whatIf(input);
  close(answer.incomingPerSecond, 21, 'incoming');
  close(answer.tracesPerMonth.change, 2_592_000, 'more traces');
  close(answer.costPerMonth.change, 12.96 + 0.648, 'more dollars');
  const saving = whatIf({ ...input, proposed: { fixedTarget: 0, rate: 0.01 } });
  // 0.21/s ⇒ 544,320 a month: 4,639,680 fewer.
  close(saving.tracesPerMonth.change, -4_639_680, 'fewer traces');
  assert.ok(saving.costPerMonth.change < 0);
});
