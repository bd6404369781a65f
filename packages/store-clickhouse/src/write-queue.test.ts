import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WriteQueue } from './write-queue.ts';

test('writes that arrive during an insert go together in the next, within the weight limit', async () => {
  const inserts: number[][] = [];
  let release: () => void = () => {};
  const queue = new WriteQueue<number>(
    async (items) => {
      inserts.push(items);
      if (inserts.length === 1) await new Promise<void>((resolve) => (release = resolve));
    },
    { maxInFlight: 1, maxWeight: 10 },
  );
  const first = queue.push(1, 4);
  const waiting = [2, 3, 4, 5].map((n) => queue.push(n, 4));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(inserts, [[1]], 'the first write goes alone, at once');
  release();
  await Promise.all([first, ...waiting]);
  assert.deepEqual(inserts, [[1], [2, 3], [4, 5]], 'the waiting ones go two by two (4 + 4 <= 10 < 12)');
  await queue.idle();
});

test('a failed insert fails exactly the writes it carried', async () => {
  const queue = new WriteQueue<string>(
    async (items) => {
      if (items.includes('bad')) throw new Error('disk full');
    },
    { maxInFlight: 1, maxWeight: 1 },
  );
  const results = await Promise.allSettled([queue.push('good', 1), queue.push('bad', 1), queue.push('also good', 1)]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.match(String((results[1] as PromiseRejectedResult).reason), /disk full/);
});
