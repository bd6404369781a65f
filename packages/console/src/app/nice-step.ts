/** The 1-2-5 step (…, 0.2, 0.5, 1, 2, 5, 10, 20, …) at or above `rough`: what axis ticks advance by, so they read at a glance. */
export function niceStep(rough: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough) ?? 10 * magnitude;
}

/** The 1-2-5 step nearest `rough` (on a log scale): for an axis that should have about, not at most, so many ticks. */
export function niceStepNear(rough: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const mantissa = rough / magnitude;
  return magnitude * (mantissa >= Math.sqrt(50) ? 10 : mantissa >= Math.sqrt(10) ? 5 : mantissa >= Math.sqrt(2) ? 2 : 1);
}
