import assert from 'node:assert/strict';
import type { FiguresRecount } from '../../bench/derived-recount.ts';

/** The map's, the span metrics' and the usage's counts equal a recount of the stored spans (all three at once, so a failure shows each). Tolerance: exact. */
export function assertFiguresEqualRecount(figures: FiguresRecount): void {
  assert.deepEqual(
    { map: figures.map.stored, metrics: figures.metrics.stored, usage: figures.usage.stored },
    { map: figures.map.recount, metrics: figures.metrics.recount, usage: figures.usage.recount },
    'the service map, span metrics and usage as stored equal a recount of the stored spans',
  );
}
