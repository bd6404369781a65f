import assert from 'node:assert/strict';
import type { FiguresRecount } from '../../bench/derived-recount.ts';

/** The map's, the span metrics' and the usage's counts equal a recount of the stored spans. Tolerance: exact. */
export function assertFiguresEqualRecount(figures: FiguresRecount): void {
  assert.deepEqual(figures.map.stored, figures.map.recount, 'service map: the stored counts equal a recount of the stored spans');
  assert.deepEqual(figures.metrics.stored, figures.metrics.recount, 'span metrics: the stored counts equal a recount of the stored spans');
  assert.deepEqual(figures.usage.stored, figures.usage.recount, 'usage: the stored counts equal a recount of the stored spans');
}
