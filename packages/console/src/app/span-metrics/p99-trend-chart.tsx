import { formatInstant } from '@stitch/model';
import { useState } from 'preact/hooks';
import { latency } from './metrics-format.ts';
import { pointAt, trendGeometry, type TrendPoint } from './p99-trend.ts';

const WIDTH = 220;
const HEIGHT = 36;
/** Room under the line for the times, and right of it for the highest value, at 11 px. */
const AXIS = 14;
const RIGHT = 52;

/**
 * A row's p99 step by step: the line from the first step with data to the window's end, its
 * highest value and its two ends' times written on it, the value under the pointer read out.
 */
export function P99TrendChart({ points, window }: { points: readonly TrendPoint[]; window: { startMs: number; endMs: number } }) {
  const [pointed, setPointed] = useState<TrendPoint | null>(null);
  const geometry = trendGeometry(points, window, WIDTH, HEIGHT);
  if (geometry === null) return <span class="muted">no requests</span>;
  const time = (ms: number) => formatInstant(ms).slice(11, 16);
  const x = (ms: number) => ((ms - geometry.fromMs) / (geometry.toMs - geometry.fromMs)) * WIDTH;
  const y = (value: number) => HEIGHT - (value / geometry.topValue) * HEIGHT;
  return (
    <span class="p99-trend">
      <svg
        width={WIDTH + RIGHT}
        height={HEIGHT + AXIS}
        role="img"
        aria-label={`p99 from ${time(geometry.fromMs)} to ${time(geometry.toMs)}, highest ${latency(geometry.topValue)}`}
        onMouseMove={(event) => setPointed(pointAt(points, geometry, WIDTH, event.clientX - (event.currentTarget as SVGSVGElement).getBoundingClientRect().left))}
        onMouseLeave={() => setPointed(null)}
      >
        <line class="p99-trend-top" x1={0} x2={WIDTH} y1={0.5} y2={0.5} />
        <line class="p99-trend-base" x1={0} x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} />
        <text class="p99-trend-max" x={WIDTH + 5} y={4}>
          {latency(geometry.topValue)}
        </text>
        {geometry.runs.map((run) =>
          run.length === 1 ? <circle key={run[0]!.join()} cx={run[0]![0]} cy={run[0]![1]} r={1.8} /> : <polyline key={run[0]!.join()} points={run.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')} />,
        )}
        {pointed && pointed.value !== null && <circle class="p99-trend-pointed" cx={x(pointed.startMs)} cy={y(pointed.value)} r={3} />}
        <text x={0} y={HEIGHT + AXIS - 2}>
          {time(geometry.fromMs)}
        </text>
        <text x={WIDTH} y={HEIGHT + AXIS - 2} text-anchor="end">
          {time(geometry.toMs)}
        </text>
      </svg>
      {pointed && pointed.value !== null && (
        <span class="p99-trend-readout" role="status">
          {time(pointed.startMs)} · p99 {latency(pointed.value)}
        </span>
      )}
    </span>
  );
}
