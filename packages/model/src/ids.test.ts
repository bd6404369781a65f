import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeTraceId, xrayTraceIdOf } from './ids.ts';

const ID = '5f84c7a1e1b2c3d4e5f60718293a4b5c';
const XRAY = '1-5f84c7a1-e1b2c3d4e5f60718293a4b5c';

test('a trace id from a user: 32 hex or the X-Ray form, any case, is the same canonical id', () => {
  for (const input of [ID, ID.toUpperCase(), ` ${ID} `, XRAY, XRAY.toUpperCase(), ` ${XRAY}\n`]) assert.equal(normalizeTraceId(input), ID, input);
});

test('anything else is not a trace id', () => {
  const refused = ['', 'xyz', '0'.repeat(32), '1-00000000-000000000000000000000000', `${ID}0`, ID.slice(1), `2-${XRAY.slice(2)}`, '1-5f84c7a1e1b2c3d4e5f60718293a4b5c', `1-5f84c7a-1e1b2c3d4e5f60718293a4b5c`, `Root=${XRAY};Parent=53995c3f42cd8ad8`, `${XRAY}-`];
  for (const input of refused) assert.equal(normalizeTraceId(input), null, input);
});

test('the X-Ray form of a stored id round-trips', () => {
  assert.equal(xrayTraceIdOf(ID), XRAY);
  assert.equal(normalizeTraceId(xrayTraceIdOf(ID)), ID);
});
