import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitView, zoomAround } from './view-box.ts';

test('a map larger than the screen is shrunk to fit and centred', () => {
  assert.deepEqual(fitView({ width: 2000, height: 500 }, { width: 1000, height: 500 }), { x: 0, y: -250, width: 2000, height: 1000 });
});

test('a map smaller than the screen stays at its natural size, centred', () => {
  assert.deepEqual(fitView({ width: 400, height: 200 }, { width: 1000, height: 500 }), { x: -300, y: -150, width: 1000, height: 500 });
});

test('the margin is kept free around the fitted map', () => {
  assert.deepEqual(fitView({ width: 900, height: 100 }, { width: 1000, height: 500 }, 50), { x: -50, y: -200, width: 1000, height: 500 });
  assert.deepEqual(fitView({ width: 1800, height: 100 }, { width: 1000, height: 500 }, 100), { x: -225, y: -512.5, width: 2250, height: 1125 });
});

test('zooming keeps the point under the pointer in place', () => {
  const view = { x: 0, y: 0, width: 1000, height: 500 };
  const zoomed = zoomAround(view, { x: 250, y: 100 }, 0.5, 1000);
  assert.deepEqual(zoomed, { x: 125, y: 50, width: 500, height: 250 });
  // The anchor is at the same fraction of the view before and after.
  assert.equal((250 - view.x) / view.width, (250 - zoomed.x) / zoomed.width);
});

test('zoom stops at its limits', () => {
  const zoomed = zoomAround({ x: 0, y: 0, width: 1000, height: 500 }, { x: 0, y: 0 }, 0.001, 1000);
  assert.equal(zoomed.width, 250, 'at most 4 screen pixels per map unit');
});
