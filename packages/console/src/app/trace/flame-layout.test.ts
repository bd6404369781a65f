import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flameLayout, spanAtPoint, zoomWindow } from './flame-layout.ts';

// depth 0: 0 [0, 100)
// depth 1: 1 [10, 40)   3 [50, 90)
// depth 2: 2 [20, 20.5) (narrower than a pixel)
const spans = [
  { depth: 0, startOffsetNanos: 0, durationNanos: 100 },
  { depth: 1, startOffsetNanos: 10, durationNanos: 30 },
  { depth: 2, startOffsetNanos: 20, durationNanos: 0.5 },
  { depth: 1, startOffsetNanos: 50, durationNanos: 40 },
];

describe('the flame graph layout', () => {
  const layout = flameLayout(spans);

  it("puts each depth's spans in order of start, and the scale ends at the latest end", () => {
    assert.deepEqual(layout.levels, [[0], [1, 3], [2]]);
    assert.equal(layout.endNanos, 100);
  });

  it("finds the span under the pointer, a pixel's slop for the narrow ones, none in a gap", () => {
    assert.equal(spanAtPoint(spans, layout, 1, 60, 0), 3);
    assert.equal(spanAtPoint(spans, layout, 1, 25, 0), 1);
    assert.equal(spanAtPoint(spans, layout, 1, 45, 0), -1, 'between the two');
    assert.equal(spanAtPoint(spans, layout, 2, 21, 1), 2, 'half a nanosecond wide, drawn a pixel wide');
    assert.equal(spanAtPoint(spans, layout, 2, 30, 1), -1);
    assert.equal(spanAtPoint(spans, layout, 5, 30, 1), -1, 'below the deepest');
  });

  it('zooms around the pointer, within the trace', () => {
    assert.deepEqual(zoomWindow({ fromNanos: 0, toNanos: 100_000 }, 50_000, 0.5, 100_000), { fromNanos: 25_000, toNanos: 75_000 });
    assert.deepEqual(zoomWindow({ fromNanos: 0, toNanos: 100_000 }, 0, 0.5, 100_000), { fromNanos: 0, toNanos: 50_000 }, 'the pointer stays put');
    assert.deepEqual(zoomWindow({ fromNanos: 25_000, toNanos: 75_000 }, 50_000, 4, 100_000), { fromNanos: 0, toNanos: 100_000 }, 'never wider than the trace');
    assert.equal(zoomWindow({ fromNanos: 0, toNanos: 2_000 }, 1_000, 0.01, 100_000).toNanos - zoomWindow({ fromNanos: 0, toNanos: 2_000 }, 1_000, 0.01, 100_000).fromNanos, 1_000, 'at least 1 µs');
  });
});
