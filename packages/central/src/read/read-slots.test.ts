import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '@stitch/http';
import { ReadSlots } from './read-slots.ts';

/** A read that runs until released, recording when it started. */
function heldRead(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return {
    release: () => release(),
    work: async () => {
      log.push(`start ${name}`);
      await done;
      return name;
    },
  };
}

test('one credential runs two reads at once; the next waits for a slot, one more than the queue holds is a 429, and other credentials are not held up', async () => {
  const slots = new ReadSlots({ perCredential: 2, maxWaiting: 1, maxWaitMs: 5_000 });
  const log: string[] = [];
  const [a, b, c] = ['a', 'b', 'c'].map((name) => heldRead(log, name));
  const running = [slots.run('reader', a!.work), slots.run('reader', b!.work)];
  const waiting = slots.run('reader', c!.work);
  await assert.rejects(
    slots.run('reader', async () => 'd'),
    (error: unknown) => error instanceof ApiError && error.status === 429 && error.headers['retry-after'] === '1' && error.message === 'reads: 2 reads with this credential are running and 1 waiting; retry in a moment',
  );
  assert.equal(await slots.run('admin', async () => 'admin'), 'admin', "another credential's read runs at once");
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(log, ['start a', 'start b']);
  a!.release();
  assert.equal(await running[0], 'a');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(log, ['start a', 'start b', 'start c'], 'the waiting read takes the freed slot');
  b!.release();
  c!.release();
  assert.deepEqual(await Promise.all([running[1], waiting]), ['b', 'c']);
});

test('a read that waits longer than the wait allows is a 429 naming the wait', async () => {
  const slots = new ReadSlots({ perCredential: 1, maxWaiting: 4, maxWaitMs: 50 });
  const held = heldRead([], 'a');
  const running = slots.run('reader', held.work);
  const started = performance.now();
  await assert.rejects(slots.run('reader', async () => 'b'), { status: 429, message: 'reads: waited 50 ms while 1 reads with this credential ran; retry in a moment' });
  // Tolerance: a timer may fire late on a busy machine.
  assert.ok(performance.now() - started < 1_000);
  held.release();
  await running;
  assert.equal(await slots.run('reader', async () => 'c'), 'c', 'the slot is free again');
});
