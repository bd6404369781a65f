import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attributeRows, exceptionOf, formatAttributeValue, formatCount, formatNanos, formatOffset } from './span-facts.ts';

describe('attributeRows', () => {
  it('sorts by key and leaves the annotations to their own table', () => {
    const rows = attributeRows({ 'z.last': 1, 'order.id': 'ord_1', 'aws.xray.annotations': ['order.id'], 'a.first': true, list: ['x', 'y'] });
    assert.deepEqual(rows, [
      ['a.first', 'true'],
      ['list', '["x","y"]'],
      ['z.last', '1'],
    ]);
  });
});

describe('exceptionOf', () => {
  it('reads an exception event', () => {
    const facts = exceptionOf({ name: 'exception', attributes: { 'exception.type': 'TimeoutError', 'exception.message': 'no answer', 'exception.stacktrace': 'at a\nat b', 'exception.escaped': true } });
    assert.deepEqual(facts, { type: 'TimeoutError', message: 'no answer', stacktrace: 'at a\nat b', escaped: true });
  });
  it('ignores other events', () => assert.equal(exceptionOf({ name: 'retry', attributes: {} }), null));
});

describe('formatting', () => {
  const cases: Array<[string, string]> = [
    [formatAttributeValue('plain'), 'plain'],
    [formatAttributeValue(3.5), '3.5'],
    [formatNanos(0), '0'],
    [formatNanos(8_517_002_000), '8.5 s'],
    [formatOffset(12_000_000), '+12 ms'],
    [formatCount(10_000), '10,000'],
    [formatCount(999), '999'],
    [formatCount(1_234_567), '1,234,567'],
  ];
  for (const [actual, expected] of cases) it(expected, () => assert.equal(actual, expected));
});
