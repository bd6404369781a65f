import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStepSpec } from './canary-step-spec.ts';

test('a step spec becomes the API step: method, URL, assertions in order, timeout and name', () => {
  assert.deepEqual(parseStepSpec('get http://shop.local:8080/checkout status=200 maxMs=2000 contains=placed header:x-region=eu json:order.total=42 json:order.id=o-1 timeoutMs=5000 name=checkout', 0), {
    name: 'checkout',
    method: 'GET',
    url: 'http://shop.local:8080/checkout',
    timeoutMs: 5000,
    assertions: [{ status: 200 }, { maxDurationMs: 2000 }, { bodyContains: 'placed' }, { header: 'x-region', equals: 'eu' }, { jsonPath: 'order.total', equals: 42 }, { jsonPath: 'order.id', equals: 'o-1' }],
  });
  assert.equal(parseStepSpec('POST http://a/b/c', 1).name, 'POST /b/c', 'named after its method and path by default');
});

test('a bad step spec says which step and what is wrong', () => {
  assert.throws(() => parseStepSpec('GET', 0), /--step 1: expected "METHOD URL/);
  assert.throws(() => parseStepSpec('GET http://a status=ok', 1), /--step 2: "status=ok" needs a whole number/);
  assert.throws(() => parseStepSpec('GET http://a colour=red', 0), /unknown "colour"/);
  assert.throws(() => parseStepSpec('GET http://a fast', 0), /"fast" is not key=value/);
});
