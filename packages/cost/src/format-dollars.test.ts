import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDollars } from './format-dollars.ts';

test('dollars print as people write them: cents, or two significant digits below a cent, never with an exponent', () => {
  const cases: Array<[number, string]> = [
    [0, '$0.00'],
    [1, '$1.00'],
    [1234.567, '$1,234.57'],
    [0.01, '$0.01'],
    [0.005, '$0.0050'],
    [0.00999, '$0.0100'],
    [5e-6, '$0.0000050'],
    [9.25e-8, '$0.000000093'],
    [1.2e-11, '$0.000000000012'],
    [3e-15, '< $0.000000000001'],
    [-0.5, '-$0.50'],
    [-2.5e-7, '-$0.00000025'],
  ];
  for (const [value, text] of cases) assert.equal(formatDollars(value), text, String(value));
  for (let exponent = -12; exponent <= 6; exponent += 0.37) assert.doesNotMatch(formatDollars(10 ** exponent), /e/i, `10^${exponent}`);
});
