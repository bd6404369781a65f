import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderHistogram } from './render-histogram.ts';

test('bars span the used buckets only, scaled to the largest', () => {
  const text = renderHistogram({
    total: 13,
    buckets: [
      { fromMs: 0, toMs: 0.1, count: 0 },
      { fromMs: 100, toMs: 200, count: 10 },
      { fromMs: 200, toMs: 500, count: 0 },
      { fromMs: 5000, toMs: 10000, count: 2 },
      { fromMs: 500000, toMs: null, count: 1 },
    ],
  }, 10);
  const lines = text.split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[0]!, /100ms–200ms ██████████ 10$/);
  assert.match(lines[1]!, /200ms–500ms\s+0$/);
  assert.match(lines[2]!, /5s–10s ██\s+2$/);
  assert.match(lines[3]!, /≥ 500s █\s+1$/);
});

test('no matches says so', () => {
  assert.equal(renderHistogram({ total: 0, buckets: [{ fromMs: 0, toMs: 1, count: 0 }] }), '(no matches)');
});
