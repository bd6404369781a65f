import type { SloDay } from '@stitch/metrics';
import { useState } from 'preact/hooks';

const WIDTH = 720;
const HEIGHT = 140;
const AXIS = 18;
/** Room left of the bars for the budget's scale ("-3500 %"). */
const LEFT = 64;
/** Scale labels closer than this (in the chart's units) would overlap: the less telling one goes. */
const TICK_GAP = 16;

/**
 * The error budget left at the end of each day of the window, as bars from the zero line: up
 * while some is left, down (red) once it is overspent. 100 % is the top; an overspent budget
 * extends the scale downwards. The scale is written on the left; pointing at a day reads it out.
 */
export function BudgetChart({ daily }: { daily: SloDay[] }) {
  const [pointed, setPointed] = useState<number | null>(null);
  if (daily.length === 0) return null;
  const lowest = Math.min(0, ...daily.map((d) => d.budgetRemaining));
  const highest = Math.max(1, ...daily.map((d) => d.budgetRemaining));
  const y = (value: number) => ((highest - value) / (highest - lowest)) * HEIGHT;
  const barWidth = (WIDTH - LEFT) / daily.length;
  const last = daily.at(-1)!;
  // The zero line first, then the top, the bottom, and the half-way mark, each where it has room.
  const ticks: number[] = [];
  for (const value of [0, highest, lowest, 0.5]) if (!ticks.some((kept) => Math.abs(y(kept) - y(value)) < TICK_GAP)) ticks.push(value);
  const dateOf = (day: SloDay) => new Date(day.dayStartMs).toISOString().slice(5, 10);
  const shown = pointed === null ? null : daily[pointed]!;
  return (
    <div class="budget-chart-box">
      <svg
        class="budget-chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT + AXIS}`}
        role="img"
        aria-label={`error budget left day by day; ${Math.round(last.budgetRemaining * 100)} % left now`}
        onMouseLeave={() => setPointed(null)}
      >
        {ticks.map((value) => (
          <g key={value} class="budget-tick">
            <line x1={LEFT} x2={WIDTH} y1={y(value)} y2={y(value)} class={value === 0 ? 'zero' : ''} />
            <text x={LEFT - 6} y={y(value) + 4} text-anchor="end">
              {Math.round(value * 100)} %
            </text>
          </g>
        ))}
        {daily.map((day, i) => {
          const top = Math.min(y(0), y(day.budgetRemaining));
          const height = Math.max(1, Math.abs(y(0) - y(day.budgetRemaining)));
          const x = LEFT + i * barWidth;
          return (
            <g key={day.dayStartMs} class={`${day.budgetRemaining < 0 ? 'overspent' : 'left'}${pointed === i ? ' pointed' : ''}`} data-day={dateOf(day)} data-budget-left={day.budgetRemaining.toFixed(4)} onMouseEnter={() => setPointed(i)}>
              <title>{dayText(day)}</title>
              {/* The whole column takes the pointer, not only the bar. */}
              <rect class="budget-hit" x={x} y={0} width={barWidth} height={HEIGHT} />
              <rect x={x + 1} y={top} width={Math.max(1, barWidth - 2)} height={height} />
              {i % Math.ceil(daily.length / 10) === 0 && (
                <text x={x + barWidth / 2} y={HEIGHT + AXIS - 4} text-anchor="middle">
                  {dateOf(day)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <p class="budget-readout muted" aria-live="polite">
        {shown ? dayText(shown) : 'Point at a day to read it.'}
      </p>
    </div>
  );
}

function dayText(day: SloDay): string {
  const date = new Date(day.dayStartMs).toISOString().slice(0, 10);
  const good = day.compliance === null ? 'no requests' : `${(day.compliance * 100).toFixed(2)} % good of ${day.total.toLocaleString('en-US')} requests`;
  return `${date}: ${good}; budget left ${(day.budgetRemaining * 100).toFixed(1)} %`;
}
