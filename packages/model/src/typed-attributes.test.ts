import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributesFromTypedJson, typedAttributesJson, type TypedAttributes } from './typed-attributes.ts';

test('attributes are split by type into parallel lists, and come back equal', () => {
  const attributes = { s: 'x', n: 3, f: -0.5, t: true, no: false, list: ['a', 'b'], mixed: [1, 2.5], nan: Number.NaN, inf: Number.POSITIVE_INFINITY, minusZero: -0, '': 'empty key', 'a "b".c': 'quoted' };
  const json = typedAttributesJson(attributes);
  const typed = JSON.parse(json) as TypedAttributes;
  assert.deepEqual(typed.str_keys, ['s', '', 'a "b".c']);
  assert.deepEqual(typed.num_keys, ['n', 'f']);
  assert.deepEqual(typed.num_values, [3, -0.5]);
  assert.deepEqual(typed.bool_values, [true, false]);
  assert.deepEqual(typed.other_keys, ['list', 'mixed', 'nan', 'inf', 'minusZero']);
  assert.deepEqual(typed.other_values, ['["a","b"]', '[1,2.5]', 'NaN', 'Infinity', '-0']);
  assert.ok(Object.is(attributesFromTypedJson(json).minusZero, -0));
  assert.deepEqual(attributesFromTypedJson(json), attributes);
});

test('a type the span does not have is left out, and no attributes is an empty object', () => {
  assert.equal(typedAttributesJson({}), '{}');
  assert.equal(typedAttributesJson({ a: 'b' }), '{"str_keys":["a"],"str_values":["b"]}');
  assert.deepEqual(attributesFromTypedJson('{}'), {});
});

test('a key named __proto__ is an attribute like any other, never the prototype', () => {
  const attributes = JSON.parse('{"__proto__": "x", "ok": 1}') as Record<string, string | number>;
  const back = attributesFromTypedJson(typedAttributesJson(attributes));
  assert.equal(Object.getPrototypeOf(back), Object.prototype);
  assert.deepEqual(Object.entries(back), [['__proto__', 'x'], ['ok', 1]]);
});

test('a lone surrogate in a key or a string value becomes U+FFFD, as the stores keep it; inside an array it is JSON text and stays', () => {
  const json = typedAttributesJson({ 'k\ud800': 'v\udc00', list: ['\ud800'] });
  assert.ok(!/\\ud[89ab]/i.test(json.replace(/\\\\/g, '')), json);
  assert.deepEqual(attributesFromTypedJson(json), { 'k\ufffd': 'v\ufffd', list: ['\ud800'] });
});
