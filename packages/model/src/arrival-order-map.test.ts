import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArrivalOrderMap } from './arrival-order-map.ts';

/** Places read per oldest taken, with `held` entries held while keys churn: most deleted out of order (paired), a few set again, the oldest taken. */
function placesReadPerTake(held: number): number {
  const map = new ArrivalOrderMap<number, number>();
  for (let key = 0; key < held; key++) map.set(key, key);
  let next = held;
  map.placesRead = 0;
  const rounds = 20_000;
  for (let round = 0; round < rounds; round++) {
    // Three arrive; one is paired at once, one sets an older key again (moves it back), one stays.
    for (let i = 0; i < 3; i++) map.set(next++, round);
    map.delete(next - 2);
    map.set(next - held + 2, round);
    map.takeOldest();
    map.takeOldest();
  }
  assert.ok(map.size > 0);
  return map.placesRead / (2 * rounds);
}

test('taking the oldest reads as many places with 100,000 entries held as with 1,000 (within 2x)', () => {
  const few = placesReadPerTake(1_000);
  const some = placesReadPerTake(10_000);
  const many = placesReadPerTake(100_000);
  assert.ok(some <= 2 * few && many <= 2 * few, `places read per take: ${few} at 1,000 held, ${some} at 10,000, ${many} at 100,000`);
});

test('entries come out oldest first; a key set again moves to the back; deleted keys never come out', () => {
  const map = new ArrivalOrderMap<string, number>();
  map.set('a', 1);
  map.set('b', 2);
  map.set('c', 3);
  map.set('a', 4);
  map.delete('b');
  assert.deepEqual([...map.values()], [3, 4]);
  assert.deepEqual(map.oldest(), ['c', 3]);
  assert.deepEqual(map.takeOldest(), ['c', 3]);
  assert.deepEqual(map.takeOldest(), ['a', 4]);
  assert.equal(map.takeOldest(), undefined);
  assert.equal(map.size, 0);
});

test('many deletions out of order keep the order and the values (the stale places are dropped)', () => {
  const map = new ArrivalOrderMap<number, number>();
  for (let key = 0; key < 10_000; key++) map.set(key, key);
  for (let key = 0; key < 10_000; key += 3) map.delete(key);
  for (let key = 1; key < 10_000; key += 3) map.set(key, -key);
  const expected = [...Array.from({ length: 10_000 }, (_, key) => key).filter((key) => key % 3 === 2), ...Array.from({ length: 10_000 }, (_, key) => key).filter((key) => key % 3 === 1).map((key) => -key)];
  assert.deepEqual([...map.values()], expected);
  assert.equal(map.size, expected.length);
  assert.equal(map.get(1), -1);
  assert.equal(map.has(0), false);
});
