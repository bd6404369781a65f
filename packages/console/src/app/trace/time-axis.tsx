import { NameColumnHandle } from './name-column-handle.tsx';
import { formatNanos } from './span-facts.ts';

/** The trace's time scale above the rows, lined up with their lanes. */
export function TimeAxis({ ticks, traceNanos, onNameColumn }: { ticks: readonly number[]; traceNanos: number; onNameColumn(px: number | null, done: boolean): void }) {
  return (
    <div class="time-axis" aria-hidden="true">
      <span />
      <span class="time-axis-title">
        Service › span
        <NameColumnHandle onResize={onNameColumn} />
      </span>
      <span class="time-axis-lane">
        {ticks.map((tick) => (
          // Labels near the right edge go left of their line, so they stay in the lane.
          <span key={tick} class={traceNanos > 0 && tick / traceNanos > 0.92 ? 'time-tick end' : 'time-tick'} style={`left:${percentOf(tick, traceNanos)}%`}>
            {formatNanos(tick)}
          </span>
        ))}
      </span>
    </div>
  );
}

/** The ticks as faint vertical lines behind the bars. */
export function TimeGrid({ ticks, traceNanos }: { ticks: readonly number[]; traceNanos: number }) {
  return (
    <div class="waterfall-grid" aria-hidden="true">
      {ticks.map((tick) => (
        <span key={tick} class="grid-line" style={`left:${percentOf(tick, traceNanos)}%`} />
      ))}
    </div>
  );
}

const percentOf = (tick: number, traceNanos: number): number => (traceNanos > 0 ? (tick / traceNanos) * 100 : 0);
