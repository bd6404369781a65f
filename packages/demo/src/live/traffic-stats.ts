export interface Sample {
  atMs: number;
  ms: number;
  /** 0 when there was no answer. */
  status: number;
  traceId: string | null;
}

/** "5.0 req/s  p50 1.1 s  p99 9.3 s  errors 2 (1.3%)" over the samples answered in the last `windowMs`. */
export function summarizeRecent(samples: readonly Sample[], nowMs: number, windowMs: number): string {
  const recent = samples.filter((sample) => sample.atMs > nowMs - windowMs);
  if (recent.length === 0) return 'waiting for the first checkouts';
  const seconds = Math.min(windowMs, nowMs - recent[0]!.atMs + 1) / 1000;
  const sorted = recent.map((sample) => sample.ms).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  const format = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
  const errors = recent.filter((sample) => sample.status < 200 || sample.status >= 400).length;
  return `${(recent.length / Math.max(1, seconds)).toFixed(1)} req/s  p50 ${format(at(0.5))}  p99 ${format(at(0.99))}  errors ${errors} (${((errors / recent.length) * 100).toFixed(1)}%)`;
}
