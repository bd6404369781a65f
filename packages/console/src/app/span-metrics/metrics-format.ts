/** "12.3%"; a dash when there is nothing to rate. */
export const percent = (share: number | null, digits = 1) => (share === null ? '–' : `${(share * 100).toFixed(digits)}%`);

/** "850 ms", "2.3 s"; a dash without requests. */
export function latency(ms: number | null): string {
  if (ms === null) return '–';
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

/** "14.4×"; a dash when there were no requests to judge. */
export const burn = (rate: number | null) => (rate === null ? '–' : `${rate.toFixed(rate >= 10 ? 0 : 2)}×`);
