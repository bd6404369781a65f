import { RANGES, type RangeKey, type TimeWindow } from '../time-window.ts';

const shown = (time: string) => new Date(/^\d+$/.test(time) ? Number(time) : time).toLocaleString();

/** The last 15 minutes … 7 days; a window from a deep link shows as its times until a range is picked. */
export function TimeRangePicker({ window, onRange }: { window: TimeWindow; onRange: (range: RangeKey) => void }) {
  return (
    <div class="range-picker" role="group" aria-label="Time range">
      {(Object.keys(RANGES) as RangeKey[]).map((name) => (
        <button key={name} class={window.range === name ? '' : 'ghost'} aria-pressed={window.range === name} onClick={() => onRange(name)}>
          {name}
        </button>
      ))}
      {window.range === null && (
        <span class="muted" title="from a link">
          {shown(window.start)} – {shown(window.end)}
        </span>
      )}
    </div>
  );
}
