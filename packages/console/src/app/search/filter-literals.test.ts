import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFilter, type FilterExpr } from '@stitch/query';
import { attributeName, quotePattern, quoteString } from './filter-literals.ts';

/** The one condition inside `{ }`, as the parser reads it. */
const condition = (text: string) => (parseFilter(`{ ${text} }`) as FilterExpr & { type: 'spanSet' }).body as FilterExpr & { type: 'compare' };

describe('a value a completion writes reads back as that value', () => {
  for (const value of ['checkout', 'say "hi"', 'C:\\temp', 'two\nlines\tand\rmore', 'bell\u0007', 'café ☕', '']) {
    it(JSON.stringify(value), () => assert.equal(condition(`name = ${quoteString(value)}`).value, value));
  }
});

describe('a value offered after =~ matches exactly itself', () => {
  for (const value of ['GET /a.b', 'a+b*(c)?', '[x]{2}|^$', 'back\\slash']) {
    it(JSON.stringify(value), () => {
      const pattern = condition(`name =~ ${quotePattern(value)}`).value as string;
      const whole = new RegExp(`^(?:${pattern})$`, 's');
      assert.ok(whole.test(value));
      assert.ok(!whole.test(`${value}x`) && !whole.test(value.replace(/./, 'Z')));
    });
  }
});

describe('an attribute name a completion writes reads back as that attribute', () => {
  const cases: Array<['span.' | 'resource.' | '.', string, string]> = [
    ['span.', 'db.system', 'span.db.system'],
    ['resource.', 'service.name', 'resource.service.name'],
    ['.', 'region', '.region'],
    ['span.', 'cart items', 'span."cart items"'],
    ['.', '5xx', '."5xx"'],
    ['span.', 'x=y', 'span."x=y"'],
    ['resource.', 'k8s.pod/name-1:a', 'resource.k8s.pod/name-1:a'],
    ['span.', 'say "hi"', 'span."say \\"hi\\""'],
  ];
  for (const [prefix, key, written] of cases) {
    it(written, () => {
      assert.equal(attributeName(prefix, key), written);
      const read = condition(`${written} = 1`);
      assert.deepEqual({ field: read.field, key: 'key' in read ? read.key : null }, { field: 'attribute', key });
    });
  }
});
