import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chartOf, timeAt, type ChartSeries } from './chart-model.ts';
import { readoutAt } from './readout.ts';

const START = Date.parse('2025-05-14T10:00:00Z');
const MINUTE = 60_000;
const window = { startMs: START, endMs: START + 10 * MINUTE };
const size = { width: 664, height: 234 };
/** A series of one point a minute from the window's start. */
const series = (service: string, values: Array<number | null>): ChartSeries => ({ labels: [{ key: 'resource.service.name', value: service }], points: values.map((value, i) => ({ tMs: START + i * MINUTE, value })), spans: 1 });

describe('series drawn over the window', () => {
  const checkout = series('checkout', [1, 2, null, 4, 4, null, 0.5, null, 3, 3]);
  const payments = series('payments', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const chart = chartOf([checkout, payments], 'per-second', window, size, 0);

  it('one line per series; a step without a value is a gap, a value alone between gaps a dot', () => {
    assert.equal(chart.paths.length, 2);
    const runs = chart.paths[0]!.split('M').slice(1);
    assert.equal(runs.length, 4, `two runs, a dot, a run: ${chart.paths[0]}`);
    assert.match(runs[2]!, /h0 $/, 'the lone 0.5/s is a dot');
    assert.equal(chart.paths[1]!.split('M').length - 1, 1, 'zeros are values, drawn along the bottom');
  });

  it('time runs across the plot over the whole window, values up from zero', () => {
    const { plot } = chart;
    assert.equal(chart.paths[0]!.startsWith(`M${plot.left.toFixed(1)},`), true, 'the first step at the left edge');
    assert.ok(chart.paths[1]!.includes(`,${plot.bottom.toFixed(1)}`), 'zero on the bottom edge');
    assert.equal(timeAt(chart, plot.left), window.startMs);
    assert.equal(timeAt(chart, plot.right), window.endMs);
  });

  it('the axes read in the unit and the clock', () => {
    assert.deepEqual(chart.yTicks.map((tick) => tick.text), ['0', '1/s', '2/s', '3/s', '4/s']);
    assert.deepEqual(chart.xTicks.map((tick) => tick.text), ['10:00', '10:02', '10:04', '10:06', '10:08', '10:10']);
    assert.equal(chart.yTicks.at(-1)!.y, chart.plot.top, 'the greatest value reaches the top tick');
  });

  it('a chart with nothing but nulls still has a scale', () => {
    const empty = chartOf([series('x', [null, null])], 'duration', window, size, 0);
    assert.deepEqual(empty.yTicks.map((tick) => tick.text), ['0', '1 ms']);
    assert.equal(empty.paths[0], '');
  });
});

describe('the hover readout', () => {
  const quantiles = (p: number, values: Array<number | null>): ChartSeries => ({ labels: [{ key: 'name', value: 'GET /cart' }, { key: 'p', value: p }], points: values.map((value, i) => ({ tMs: START + i * MINUTE, value })), spans: 1 });
  const drawn = [quantiles(0.5, [2e6, 40e6, null]), quantiles(0.99, [9e6, 1.2e9, null])];

  it("lists each series' value at the nearest step, greatest first", () => {
    assert.deepEqual(readoutAt(drawn, 'duration', START + MINUTE + 20_000), {
      tMs: START + MINUTE,
      rows: [
        { index: 1, name: 'name=GET /cart, p=0.99', text: '1.2 s' },
        { index: 0, name: 'name=GET /cart, p=0.5', text: '40 ms' },
      ],
    });
  });
  it('a step without values reads as a dash', () => {
    assert.deepEqual(readoutAt(drawn, 'duration', START + 5 * MINUTE)?.rows.map((row) => row.text), ['–', '–']);
  });
  it('nothing drawn, nothing to read', () => assert.equal(readoutAt([], 'spans', START), null));
});
