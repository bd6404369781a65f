import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IngestStagesJson } from '@stitch/api';
import { stageCosts } from './ingest-stages.ts';

const snapshot = (spans: number, stored: number, stages: Array<[string, number, number]>): IngestStagesJson => ({
  sinceMs: 0,
  requests: { stored, shed: 0, refused: 0 },
  spans,
  stages: stages.map(([stage, micros, calls]) => ({ stage, micros, calls })),
});

test('stage costs are the difference of two snapshots per span between them; a stage first seen in the second counts from zero', () => {
  const before = snapshot(1_000, 2, [['decode', 5_000, 2], ['commit', 1_000, 1]]);
  const after = snapshot(3_000, 6, [['decode', 9_000, 6], ['commit', 3_000, 3], ['derive:usage', 4_000, 2]]);
  const costs = stageCosts(before, after);
  assert.equal(costs.spans, 2_000);
  assert.deepEqual(costs.requests, { stored: 4, shed: 0, refused: 0 });
  assert.deepEqual(costs.stages, [
    { stage: 'decode', microsPerSpan: 2, share: 0.4, calls: 4 },
    { stage: 'commit', microsPerSpan: 1, share: 0.2, calls: 2 },
    { stage: 'derive:usage', microsPerSpan: 2, share: 0.4, calls: 2 },
  ]);
});
