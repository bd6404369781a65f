import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAgo, formatInstant } from './when-text.ts';

const NOW = 1_764_000_000_000;

test('how long ago, as people say it', async (t) => {
  const cases: Array<[number, string]> = [
    [-5_000, 'just now'],
    [0, 'just now'],
    [999, 'just now'],
    [12_400, '12 s ago'],
    [59_999, '59 s ago'],
    [60_000, '1 min ago'],
    [3_599_000, '59 min ago'],
    [5 * 3_600_000, '5 h ago'],
    [47 * 3_600_000, '47 h ago'],
    [3 * 86_400_000, '3 d ago'],
  ];
  for (const [agoMs, expected] of cases) await t.test(`${agoMs} ms`, () => assert.equal(formatAgo(NOW - agoMs, NOW), expected));
});

test('a moment, written one way: local date and time to the second', () => {
  const at = new Date(2026, 11, 7, 9, 4, 5, 678).getTime();
  assert.equal(formatInstant(at), '2026-12-07 09:04:05');
  assert.equal(formatInstant(at, true), '2026-12-07 09:04:05.678');
});
