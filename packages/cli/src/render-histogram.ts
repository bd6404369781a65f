import type { HistogramJson } from '@stitch/api';

const formatMs = (ms: number): string => (ms >= 1000 ? `${ms / 1000}s` : ms >= 1 ? `${ms}ms` : `${ms * 1000}µs`);

/** Horizontal bars, one per bucket from the first to the last non-empty one. */
export function renderHistogram(histogram: HistogramJson, width = 40): string {
  const used = histogram.buckets.map((bucket, i) => (bucket.count > 0 ? i : -1)).filter((i) => i >= 0);
  if (used.length === 0) return '(no matches)';
  const rows = histogram.buckets.slice(used[0], used.at(-1)! + 1);
  const most = Math.max(...rows.map((bucket) => bucket.count));
  const labels = rows.map((bucket) => (bucket.toMs === null ? `≥ ${formatMs(bucket.fromMs)}` : `${formatMs(bucket.fromMs)}–${formatMs(bucket.toMs)}`));
  const labelWidth = Math.max(...labels.map((label) => label.length));
  return rows
    .map((bucket, i) => {
      const bar = bucket.count === 0 ? '' : '█'.repeat(Math.max(1, Math.round((bucket.count / most) * width)));
      return `${labels[i]!.padStart(labelWidth)} ${bar.padEnd(width)} ${bucket.count}`;
    })
    .join('\n');
}
