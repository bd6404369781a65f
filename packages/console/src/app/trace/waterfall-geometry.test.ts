import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { barGeometry, criticalOverlays, rangeInBar, rowWindow, scrollToReveal, timeTicks } from './waterfall-geometry.ts';

describe('barGeometry', () => {
  const cases: Array<[string, [number, number, number], { leftPercent: number; widthPercent: number; label: 'after' | 'before' | 'inside' }]> = [
    ['the whole trace: label inside', [0, 100, 100], { leftPercent: 0, widthPercent: 100, label: 'inside' }],
    ['an early short span: label after', [10, 5, 100], { leftPercent: 10, widthPercent: 5, label: 'after' }],
    ['a span ending late: label before', [70, 20, 100], { leftPercent: 70, widthPercent: 20, label: 'before' }],
    ['past the end is clipped', [90, 50, 100], { leftPercent: 90, widthPercent: 10, label: 'before' }],
    ['a zero-length trace', [0, 0, 0], { leftPercent: 0, widthPercent: 100, label: 'inside' }],
  ];
  for (const [name, [start, duration, total], expected] of cases) it(name, () => assert.deepEqual(barGeometry(start, duration, total), expected));
});

describe('rangeInBar', () => {
  it('places a critical stretch within its bar', () => assert.deepEqual(rangeInBar([150, 200], 100, 200), { leftPercent: 25, widthPercent: 25 }));
  it('clips what lies outside', () => assert.deepEqual(rangeInBar([50, 400], 100, 200), { leftPercent: 0, widthPercent: 100 }));
});

describe('criticalOverlays', () => {
  it('merges stretches closer than the resolution, keeps the others apart', () => {
    // A 1,000,000 ns trace: stretches 400 ns apart merge (under 1/2000), 10,000 ns apart do not.
    assert.deepEqual(criticalOverlays([[0, 100], [500, 1000], [10_000, 15_000]], 0, 20_000, 1_000_000), [
      { leftPercent: 0, widthPercent: 5 },
      { leftPercent: 50, widthPercent: 25 },
    ]);
  });
  it('draws nothing for a span off the path', () => assert.deepEqual(criticalOverlays([], 0, 10, 10), []));
});

describe('rowWindow', () => {
  const base = { rowHeight: 20, rowCount: 10_000, overscan: 5 };
  const cases: Array<[string, number, number, { first: number; end: number }]> = [
    ['at the top', 0, 400, { first: 0, end: 25 }],
    ['in the middle', 20_000, 400, { first: 995, end: 1025 }],
    ['at the bottom', 199_600, 400, { first: 9975, end: 10_000 }],
    ['before the viewport is measured', 0, 0, { first: 0, end: 5 }],
  ];
  for (const [name, scrollTop, viewportHeight, expected] of cases) it(name, () => assert.deepEqual(rowWindow({ ...base, scrollTop, viewportHeight }), expected));
});

describe('scrollToReveal', () => {
  const base = { rowHeight: 20, viewportHeight: 200 };
  const cases: Array<[string, number, number, boolean, number | null]> = [
    ['already in view', 3, 0, false, null],
    ['above the view', 2, 100, false, 40],
    ['below the view', 20, 0, false, 220],
    ['centred for a deep link', 100, 0, true, 1910],
    ['centred near the top stays at 0', 1, 0, true, 0],
  ];
  for (const [name, position, scrollTop, center, expected] of cases) it(name, () => assert.equal(scrollToReveal({ ...base, position, scrollTop, center }), expected));
});

describe('timeTicks', () => {
  const cases: Array<[number, number, number[]]> = [
    [9.2e9, 8, [0, 2e9, 4e9, 6e9, 8e9]],
    [100e6, 10, [0, 10e6, 20e6, 30e6, 40e6, 50e6, 60e6, 70e6, 80e6, 90e6, 100e6]],
    [7e3, 5, [0, 2e3, 4e3, 6e3]],
    [0, 5, [0]],
  ];
  for (const [total, max, expected] of cases) it(`${total} ns in at most ${max}`, () => assert.deepEqual(timeTicks(total, max), expected));
});
