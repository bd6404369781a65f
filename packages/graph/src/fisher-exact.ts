/**
 * One-sided Fisher exact test: the probability, were a pattern as frequent in the matches as in
 * the baseline, of seeing it in `matchCount` or more of `matches` traces when `matchCount +
 * baselineCount` of all `matches + baseline` traces show it (the hypergeometric upper tail).
 * Exact at any count, so small samples need no continuity correction.
 */
export function fisherOneSided(matchCount: number, matches: number, baselineCount: number, baseline: number): number {
  const showing = matchCount + baselineCount;
  const total = matches + baseline;
  const lowest = Math.max(0, showing - baseline);
  const highest = Math.min(showing, matches);
  if (matchCount <= lowest) return 1;
  const logP = (k: number) => logChoose(showing, k) + logChoose(total - showing, matches - k) - logChoose(total, matches);
  let p = 0;
  for (let k = matchCount; k <= highest; k++) p += Math.exp(logP(k));
  return Math.min(1, p);
}

const logFactorials: number[] = [0];

function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++) logFactorials.push(logFactorials[i - 1]! + Math.log(i));
  return logFactorials[n]!;
}

const logChoose = (n: number, k: number): number => logFactorial(n) - logFactorial(k) - logFactorial(n - k);
