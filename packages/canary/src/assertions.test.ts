import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertionFailure, firstFailure, type StepAnswer } from './assertions.ts';
import type { Assertion } from './journey.ts';
import { valueAtPath } from './json-path.ts';

const answer: StepAnswer = {
  status: 200,
  headers: { 'content-type': 'application/json', 'x-region': 'eu-west-1' },
  body: JSON.stringify({ order: { status: 'placed', total: 42.5, paid: true, items: [{ sku: 'A-1' }], note: null } }),
  durationMs: 180,
};

const cases: Array<[Assertion, string | RegExp | null]> = [
  [{ status: 200 }, null],
  [{ status: 201 }, 'status = 201 failed: got 200'],
  [{ maxDurationMs: 180 }, null],
  [{ maxDurationMs: 179 }, 'duration <= 179 ms failed: got 180 ms'],
  [{ bodyContains: '"placed"' }, null],
  [{ bodyContains: 'refused' }, /^body contains "refused" failed: got a body of \d+ characters without it$/],
  [{ header: 'Content-Type', equals: 'application/json' }, null],
  [{ header: 'x-region', equals: 'us-east-1' }, 'header x-region = "us-east-1" failed: got "eu-west-1"'],
  [{ header: 'x-missing', equals: '1' }, 'header x-missing = "1" failed: got no such header'],
  [{ jsonPath: 'order.status', equals: 'placed' }, null],
  [{ jsonPath: 'order.total', equals: 42.5 }, null],
  [{ jsonPath: 'order.paid', equals: true }, null],
  [{ jsonPath: 'order.note', equals: null }, null],
  [{ jsonPath: 'order.items.0.sku', equals: 'A-1' }, null],
  [{ jsonPath: 'order.items.1.sku', equals: 'A-1' }, 'json order.items.1.sku = "A-1" failed: got nothing at that path'],
  [{ jsonPath: 'order.status', equals: 'shipped' }, 'json order.status = "shipped" failed: got "placed"'],
  [{ jsonPath: 'order.total', equals: '42.5' }, 'json order.total = "42.5" failed: got 42.5'],
];

for (const [assertion, expected] of cases) {
  test(`${JSON.stringify(assertion)} on a 200 JSON answer in 180 ms: ${expected === null ? 'holds' : 'fails'}`, () => {
    const failure = assertionFailure(assertion, answer);
    if (expected instanceof RegExp) assert.match(failure ?? '', expected);
    else assert.equal(failure, expected);
  });
}

test('a JSON path on a body that is not JSON fails and says so', () => {
  assert.equal(assertionFailure({ jsonPath: 'a', equals: 1 }, { ...answer, body: '<html>' }), 'json a = 1 failed: got a body that is not JSON');
});

test('the first failing assertion of a step is the one reported', () => {
  assert.equal(firstFailure([{ status: 200 }, { maxDurationMs: 100 }, { bodyContains: 'nope' }], answer), 'duration <= 100 ms failed: got 180 ms');
  assert.equal(firstFailure([], answer), null);
});

test('a JSON path reaches own properties only: no prototype, no index into an object', () => {
  assert.equal(valueAtPath({ a: {} }, 'a.constructor'), undefined);
  assert.equal(valueAtPath({ a: {} }, 'a.__proto__'), undefined);
  assert.equal(valueAtPath({ a: [1, 2] }, 'a.length'), undefined);
  assert.equal(valueAtPath({ a: { 0: 'x' } }, 'a.0'), 'x');
  assert.equal(valueAtPath('text', 'a'), undefined);
});
