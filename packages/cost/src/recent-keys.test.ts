import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecentKeys } from './recent-keys.ts';

test('recent keys: bounded, the newest half always remembered with its value, the oldest forgotten', () => {
  const keys = new RecentKeys<number>(1_000);
  for (let i = 0; i < 10_000; i++) assert.equal(keys.set(`k${i}`, i), true, `k${i} is new`);
  assert.ok(keys.size <= 1_000, `${keys.size} keys kept`);
  for (let i = 9_500; i < 10_000; i++) assert.equal(keys.get(`k${i}`), i);
  assert.equal(keys.has('k0'), false);
  assert.equal(keys.get('k8000'), undefined);
  assert.equal(keys.set('k9999', -1), false, 'seen before');
  assert.equal(keys.get('k9999'), -1, 'the newer value');
});

test('a key seen again is the most recent: it outlives a key seen between its two sightings', () => {
  const keys = new RecentKeys(4);
  for (const key of ['a', 'b', 'a', 'c', 'd']) keys.set(key, true);
  assert.deepEqual(['a', 'b', 'c', 'd'].map((key) => keys.has(key)), [true, false, true, true]);
  for (const key of ['c', 'e']) keys.set(key, true);
  assert.deepEqual(['a', 'c', 'd', 'e'].map((key) => keys.has(key)), [false, true, true, true]);
});
