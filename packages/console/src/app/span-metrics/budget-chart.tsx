import type { SloDay } from '@stitch/metrics';

const WIDTH = 720;
const HEIGHT = 140;
const AXIS = 18;

/**
 * The error budget left at the end of each day of the window, as bars from the zero line: up
 * while some is left, down (red) once it is overspent. 100 % is the top; an overspent budget
 * extends the scale downwards.
 */
export function BudgetChart({ daily }: { daily: SloDay[] }) {
  if (daily.length === 0) return null;
  const lowest = Math.min(0, ...daily.map((d) => d.budgetRemaining));
  const highest = Math.max(1, ...daily.map((d) => d.budgetRemaining));
  const y = (value: number) => ((highest - value) / (highest - lowest)) * HEIGHT;
  const barWidth = WIDTH / daily.length;
  const last = daily.at(-1)!;
  return (
    <svg class="budget-chart" viewBox={`0 0 ${WIDTH} ${HEIGHT + AXIS}`} role="img" aria-label={`error budget left day by day; ${Math.round(last.budgetRemaining * 100)} % left now`}>
      <line class="zero" x1={0} x2={WIDTH} y1={y(0)} y2={y(0)} />
      {daily.map((day, i) => {
        const top = Math.min(y(0), y(day.budgetRemaining));
        const height = Math.max(1, Math.abs(y(0) - y(day.budgetRemaining)));
        const date = new Date(day.dayStartMs).toISOString().slice(5, 10);
        return (
          <g key={day.dayStartMs} class={day.budgetRemaining < 0 ? 'overspent' : 'left'} data-day={date} data-budget-left={day.budgetRemaining.toFixed(4)}>
            <title>{`${date}: ${day.total} requests, ${day.compliance === null ? 'no requests' : `${(day.compliance * 100).toFixed(2)}% good`}; budget left ${(day.budgetRemaining * 100).toFixed(1)}%`}</title>
            <rect x={i * barWidth + 1} y={top} width={Math.max(1, barWidth - 2)} height={height} />
            {i % Math.ceil(daily.length / 10) === 0 && (
              <text x={i * barWidth + barWidth / 2} y={HEIGHT + AXIS - 4} text-anchor="middle">
                {date}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
