import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatChange, formatDuration } from './format-duration.ts';

const cases: Array<[bigint, string]> = [
  [9_800_000_000n, '9.8 s'],
  [812_000_000n, '812 ms'],
  [4_200_000n, '4.2 ms'],
  [80_000n, '80 µs'],
  [0n, '0 µs'],
  [250_000_000_000n, '250 s'],
  [-20_000_000n, '-20 ms'],
];

for (const [value, text] of cases) test(`formatDuration(${value}) is ${text}`, () => assert.equal(formatDuration(value), text));

test('a change is always signed', () => {
  assert.equal(formatChange(8_100_000_000n), '+8.1 s');
  assert.equal(formatChange(-20_000_000n), '-20 ms');
});
