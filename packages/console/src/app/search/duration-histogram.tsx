import { useState } from 'preact/hooks';
import type { HistogramJson } from '@stitch/api';

const WIDTH = 720;
const HEIGHT = 110;
const AXIS = 18;

const label = (ms: number) => (ms >= 1000 ? `${ms / 1000}s` : `${ms}ms`);

/**
 * How the matches' durations spread (a 1-2-5 scale, one bar per bucket, counted over the whole
 * window). Dragging across bars selects a duration range: `onSelect(fromMs, toMs | null)`.
 */
export function DurationHistogram({ histogram, selected, onSelect }: { histogram: HistogramJson; selected: { fromMs: number | null; toMs: number | null }; onSelect: (fromMs: number, toMs: number | null) => void }) {
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  // Leading and trailing empty buckets say nothing: show from the first to the last bucket with matches.
  const used = histogram.buckets.map((bucket, i) => (bucket.count > 0 ? i : -1)).filter((i) => i >= 0);
  if (used.length === 0) return <p class="muted">No matches in this window.</p>;
  let first = Math.max(0, used[0]! - 1);
  let last = Math.min(histogram.buckets.length - 1, used.at(-1)! + 1);
  // At least a dozen bars, so one busy bucket does not fill the width alone.
  while (last - first < 11 && (first > 0 || last < histogram.buckets.length - 1)) {
    if (first > 0) first -= 1;
    if (last - first < 11 && last < histogram.buckets.length - 1) last += 1;
  }
  const buckets = histogram.buckets.slice(first, last + 1);
  const max = Math.max(...buckets.map((b) => b.count));
  const barWidth = WIDTH / buckets.length;
  const inSelection = (i: number) => {
    if (drag) return i >= Math.min(drag.from, drag.to) && i <= Math.max(drag.from, drag.to);
    const bucket = buckets[i]!;
    return selected.fromMs !== null && bucket.fromMs >= selected.fromMs && (selected.toMs === null || (bucket.toMs !== null && bucket.toMs <= selected.toMs));
  };
  const finish = () => {
    if (!drag) return;
    const from = buckets[Math.min(drag.from, drag.to)]!;
    const to = buckets[Math.max(drag.from, drag.to)]!;
    setDrag(null);
    onSelect(from.fromMs, to.toMs);
  };
  return (
    <svg class="histogram" viewBox={`0 0 ${WIDTH} ${HEIGHT + AXIS}`} role="img" aria-label={`duration histogram of ${histogram.total} traces; drag to select a duration range`} onMouseLeave={() => setDrag(null)} onMouseUp={finish}>
      {buckets.map((bucket, i) => {
        const height = bucket.count === 0 ? 0 : Math.max(2, (bucket.count / max) * HEIGHT);
        return (
          <g
            key={bucket.fromMs}
            class={`bar${inSelection(i) ? ' selected' : ''}`}
            data-from-ms={bucket.fromMs}
            data-count={bucket.count}
            onMouseDown={(event) => {
              event.preventDefault();
              setDrag({ from: i, to: i });
            }}
            onMouseEnter={() => drag && setDrag({ ...drag, to: i })}
          >
            <title>{`${label(bucket.fromMs)} – ${bucket.toMs === null ? '…' : label(bucket.toMs)}: ${bucket.count} traces`}</title>
            <rect class="hit" x={i * barWidth} y={0} width={barWidth} height={HEIGHT} />
            <rect class="fill" x={i * barWidth + 1} y={HEIGHT - height} width={barWidth - 2} height={height} />
            {i % Math.ceil(buckets.length / 12) === 0 && (
              <text x={i * barWidth + 2} y={HEIGHT + 13}>
                {label(bucket.fromMs)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
