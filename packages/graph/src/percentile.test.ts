import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentile } from './percentile.ts';

const cases: Array<{ values: bigint[]; q: number; expected: bigint | null }> = [
  { values: [], q: 0.5, expected: null },
  { values: [7n], q: 0.99, expected: 7n },
  { values: [4n, 1n, 3n, 2n], q: 0.5, expected: 2n },
  { values: [5n, 1n, 3n], q: 0.5, expected: 3n },
  { values: Array.from({ length: 100 }, (_, i) => BigInt(100 - i)), q: 0.99, expected: 99n },
  { values: [1n, 2n], q: 0, expected: 1n },
];

for (const { values, q, expected } of cases) {
  test(`nearest-rank p${q * 100} of ${values.length} values is ${expected}`, () => assert.equal(percentile(values, q), expected));
}
