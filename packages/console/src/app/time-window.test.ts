import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timeWindowOf } from './time-window.ts';

const NOW = 1_700_000_000_000;

test('a page\'s time window comes from the URL', async (t) => {
  const cases: Array<[string, ReturnType<typeof timeWindowOf>]> = [
    ['', { start: String(NOW - 15 * 60_000), end: String(NOW), range: '15m' }],
    ['range=6h', { start: String(NOW - 6 * 3_600_000), end: String(NOW), range: '6h' }],
    ['range=nonsense', { start: String(NOW - 15 * 60_000), end: String(NOW), range: '15m' }],
    ['start=1000&end=2000&range=1h', { start: '1000', end: '2000', range: null }],
    ['start=2025-01-01T00:00:00Z', { start: '2025-01-01T00:00:00Z', end: String(NOW), range: null }],
  ];
  for (const [query, expected] of cases) await t.test(query || '(nothing)', () => assert.deepEqual(timeWindowOf(new URLSearchParams(query), NOW, '15m'), expected));
});
