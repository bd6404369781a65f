import { formatDuration } from '@stitch/graph';
import type { MetricsQuery } from '@stitch/query';
import { niceStepNear } from '../nice-step.ts';
import { formatCount } from '../trace/span-facts.ts';

/** What a metrics query's values are: durations (nanoseconds), spans per second, spans, or the numbers of an attribute. */
export type ValueUnit = 'duration' | 'per-second' | 'spans' | 'number';

export function unitOf(query: MetricsQuery): ValueUnit {
  if (query.fn === 'rate') return 'per-second';
  // histogram_over_time counts the spans in each bucket; its durations are in the `le` label.
  if (query.fn === 'count_over_time' || query.fn === 'histogram_over_time') return 'spans';
  return query.of?.kind === 'duration' ? 'duration' : 'number';
}

/** A value where it is read on its own (a readout): `1.2 s`, `0.35/s`, `1,204`, `3.25`. */
export function formatValue(unit: ValueUnit, value: number): string {
  switch (unit) {
    case 'duration':
      return value === 0 ? '0' : formatDuration(BigInt(Math.round(value)));
    case 'per-second':
      return `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)}/s`;
    case 'spans':
      return formatCount(Math.round(value));
    case 'number':
      return Number.isInteger(value) ? formatCount(value) : String(Number(value.toPrecision(4)));
  }
}

export interface ValueAxis {
  /** The scale's ends, tick values, at or beyond the values drawn. */
  low: number;
  high: number;
  ticks: Array<{ value: number; text: string }>;
}

/**
 * The value scale of a chart: from 0 (or the least value, when some are negative) to a tick at or
 * above the greatest, in steps of 1-2-5 of the unit (100 ms, 0.5/s, 20 spans), about `ticks`
 * of them. Spans are counted in whole steps.
 */
export function valueAxis(unit: ValueUnit, least: number, greatest: number, ticks = 4): ValueAxis {
  const from = Math.min(0, least);
  const to = Math.max(0, greatest);
  const rough = to > from ? (to - from) / ticks : EMPTY_STEP[unit];
  const step = unit === 'spans' ? Math.max(1, niceStepNear(rough)) : niceStepNear(rough);
  const first = Math.floor(from / step);
  const last = Math.max(first + 1, Math.ceil(to / step));
  const values = Array.from({ length: last - first + 1 }, (_, i) => (first + i) * step);
  return { low: first * step, high: last * step, ticks: values.map((value) => ({ value, text: tickText(unit, value) })) };
}

/** The step of a scale with nothing above zero on it. */
const EMPTY_STEP: Record<ValueUnit, number> = { duration: 1e6, 'per-second': 1, spans: 1, number: 1 };

/** A tick's label: as few digits as it takes, in the unit its size reads best in (`500 ms`, `1.5 s`). */
export function tickText(unit: ValueUnit, value: number): string {
  if (value === 0) return '0';
  switch (unit) {
    case 'duration':
      return durationText(value);
    case 'per-second':
      return `${trimmed(value)}/s`;
    default:
      return Number.isInteger(value) ? formatCount(value) : trimmed(value);
  }
}

const DURATION_UNITS: Array<[number, string]> = [
  [1e9, 's'],
  [1e6, 'ms'],
  [1e3, 'µs'],
];

/** Nanoseconds as a short duration: `1.5 s`, `200 ms`, `50 µs`, `800 ns`. */
export function durationText(nanos: number): string {
  const [size, name] = DURATION_UNITS.find(([size]) => Math.abs(nanos) >= size) ?? [1, 'ns'];
  return `${trimmed(nanos / size)} ${name}`;
}

/** At most three decimals, none that are zeros (and none of a double's rounding noise: 0.30000000000000004). */
const trimmed = (value: number) => String(Number(value.toFixed(3)));
