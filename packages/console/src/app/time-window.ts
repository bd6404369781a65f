// A page's time window, from the URL: a range back from now, or an explicit start and end.

export const RANGES = { '15m': 15 * 60_000, '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 24 * 3_600_000, '7d': 7 * 24 * 3_600_000 } as const;
export type RangeKey = keyof typeof RANGES;

export interface TimeWindow {
  /** Unix ms, or whatever the URL held (central also takes ISO-8601). */
  start: string;
  end: string;
  /** The range picked, or null when the URL names its own start and end. */
  range: RangeKey | null;
}

export const isRange = (value: string | null): value is RangeKey => value !== null && Object.hasOwn(RANGES, value);

/** `start`/`end` from the URL win (a shared link shows the same window); else `range` back from `nowMs`; else the page's own default. */
export function timeWindowOf(params: URLSearchParams, nowMs: number, fallback: RangeKey): TimeWindow {
  const start = params.get('start');
  const end = params.get('end');
  if (start) return { start, end: end || String(nowMs), range: null };
  const picked = params.get('range');
  const range = isRange(picked) ? picked : fallback;
  return { start: String(nowMs - RANGES[range]), end: String(nowMs), range };
}
