import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMetricsQuery } from '@stitch/query';
import { formatValue, unitOf, valueAxis } from './value-unit.ts';

describe('the unit of a metrics query', () => {
  const cases: Array<[string, string]> = [
    ['{ status = error } | rate() by (resource.service.name)', 'per-second'],
    ['{ } | count_over_time()', 'spans'],
    ['{ } | histogram_over_time(duration)', 'spans'],
    ['{ } | quantile_over_time(duration, .5, .99) by (span:name)', 'duration'],
    ['{ } | max_over_time(duration)', 'duration'],
    ['{ kind = client } | avg_over_time(span.db.rows) by (span.db.system)', 'number'],
  ];
  for (const [query, unit] of cases) it(`${query}: ${unit}`, () => assert.equal(unitOf(parseMetricsQuery(query)), unit));
});

describe('the value axis, as its ticks read', () => {
  const ticks = (...args: Parameters<typeof valueAxis>) => valueAxis(...args).ticks.map((tick) => tick.text);
  it('durations up to 850 ms', () => assert.deepEqual(ticks('duration', 0, 850e6), ['0', '200 ms', '400 ms', '600 ms', '800 ms', '1 s']));
  it('durations up to 2.3 s', () => assert.deepEqual(ticks('duration', 0, 2.3e9), ['0', '500 ms', '1 s', '1.5 s', '2 s', '2.5 s']));
  it('durations up to 1.4 s in more ticks', () => assert.deepEqual(ticks('duration', 0, 1.4e9, 6), ['0', '200 ms', '400 ms', '600 ms', '800 ms', '1 s', '1.2 s', '1.4 s']));
  it('durations of microseconds', () => assert.deepEqual(ticks('duration', 0, 70e3), ['0', '20 µs', '40 µs', '60 µs', '80 µs']));
  it('a rate below one a second', () => assert.deepEqual(ticks('per-second', 0, 0.7), ['0', '0.2/s', '0.4/s', '0.6/s', '0.8/s']));
  it('a rate in the hundreds', () => assert.deepEqual(ticks('per-second', 0, 1234), ['0', '200/s', '400/s', '600/s', '800/s', '1000/s', '1200/s', '1400/s']));
  it('a few spans count in whole spans', () => assert.deepEqual(ticks('spans', 0, 3), ['0', '1', '2', '3']));
  it('thousands of spans', () => assert.deepEqual(ticks('spans', 0, 12_400), ['0', '2,000', '4,000', '6,000', '8,000', '10,000', '12,000', '14,000']));
  it('nothing but zeros still has a scale', () => assert.deepEqual(ticks('spans', 0, 0), ['0', '1']));
  it('negative values extend it below zero', () => assert.deepEqual(ticks('number', -3, 7), ['-4', '-2', '0', '2', '4', '6', '8']));
});

describe('a value read on its own', () => {
  const cases: Array<[Parameters<typeof formatValue>[0], number, string]> = [
    ['duration', 1_234_000_000, '1.2 s'],
    ['duration', 45_600_000, '46 ms'],
    ['duration', 0, '0'],
    ['per-second', 0.35, '0.35/s'],
    ['per-second', 73.2, '73.2/s'],
    ['per-second', 250, '250/s'],
    ['spans', 1204, '1,204'],
    ['number', 3.14159, '3.142'],
  ];
  for (const [unit, value, text] of cases) it(`${value} ${unit}: ${text}`, () => assert.equal(formatValue(unit, value), text));
});
