import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fisherOneSided } from './fisher-exact.ts';

/** The hypergeometric upper tail in exact integers: the truth the floating-point sum is held to. */
function exactTail(matchCount: number, matches: number, baselineCount: number, baseline: number): number {
  const choose = (n: number, k: number): bigint => {
    if (k < 0 || k > n) return 0n;
    let result = 1n;
    for (let i = 1; i <= k; i++) result = (result * BigInt(n - k + i)) / BigInt(i);
    return result;
  };
  const showing = matchCount + baselineCount;
  let tail = 0n;
  for (let k = matchCount; k <= Math.min(showing, matches); k++) tail += choose(showing, k) * choose(matches + baseline - showing, matches - k);
  const all = choose(matches + baseline, matches);
  // Twelve digits of the ratio, then a float: enough for a relative error check.
  return Number((tail * 10n ** 12n) / all) / 1e12;
}

test('the lady tasting tea: 3 of 4 against 1 of 4 is p = 17/70, 4 of 4 against 0 of 4 is 1/70', () => {
  assert.ok(Math.abs(fisherOneSided(3, 4, 1, 4) - 17 / 70) < 1e-12);
  assert.ok(Math.abs(fisherOneSided(4, 4, 0, 4) - 1 / 70) < 1e-12);
});

test('matches no more frequent than the baseline: p = 1 at or below the least possible count', () => {
  assert.equal(fisherOneSided(0, 10, 5, 10), 1);
  assert.equal(fisherOneSided(1, 200, 1, 200) > 0.7, true, 'the "1 of 200 (1 of 200 baseline)" case is nowhere near significant');
});

test('agrees with the exact integer tail within 1e-6 relative (below 1e-6, both tiny), over a grid of small and large counts', () => {
  for (const [matches, baseline] of [[5, 7], [12, 60], [40, 360], [200, 200]] as const) {
    for (let matchCount = 0; matchCount <= matches; matchCount += Math.max(1, Math.floor(matches / 7))) {
      for (let baselineCount = 0; baselineCount <= baseline; baselineCount += Math.max(1, Math.floor(baseline / 5))) {
        const truth = exactTail(matchCount, matches, baselineCount, baseline);
        const got = fisherOneSided(matchCount, matches, baselineCount, baseline);
        if (truth < 1e-6) assert.ok(got < 1e-5, `${matchCount}/${matches} vs ${baselineCount}/${baseline}: ${got}`);
        else assert.ok(Math.abs(got - truth) / truth < 1e-6, `${matchCount}/${matches} vs ${baselineCount}/${baseline}: ${got} against ${truth}`);
      }
    }
  }
});
