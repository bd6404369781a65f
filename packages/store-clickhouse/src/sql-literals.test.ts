import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactFloat64, float64, identifier, int64, text } from './sql-literals.ts';

test('a string becomes hex digits whatever it holds, and only those', () => {
  for (const hostile of ["x' OR '1'='1", "\\'; DROP TABLE spans; --", 'é☕\u0000\n', '']) {
    const literal = text(hostile);
    assert.match(literal, /^unhex\('[0-9a-f]*'\)$/);
    assert.equal(Buffer.from(literal.slice(7, -2), 'hex').toString('utf8'), hostile);
  }
});

test('numbers are formatted from numbers; anything else is refused', () => {
  assert.equal(int64(-9_223_372_036_854_775_808n), 'toInt64(-9223372036854775808)');
  assert.equal(float64(1e21), 'toFloat64(1e+21)');
  assert.equal(float64(-Infinity), '-inf');
  assert.equal(exactFloat64(40.7698), 'reinterpretAsFloat64(reinterpretAsString(toUInt64(4630934656562248443)))');
  assert.throws(() => int64('1) OR (1' as unknown as bigint), TypeError);
  assert.throws(() => float64(Number.NaN), TypeError);
  assert.throws(() => float64('1' as unknown as number), TypeError);
});

test('identifiers from the configuration are checked, not escaped', () => {
  assert.equal(identifier('stitch_2'), 'stitch_2');
  for (const bad of ['stitch; DROP', 'a.b', '`x`', '', '9lives']) assert.throws(() => identifier(bad), TypeError, bad);
});
