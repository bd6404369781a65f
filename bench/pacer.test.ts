import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pacer } from './pacer.ts';

test('a pacer shared by senders holds them to its rate, and banks no time for a burst after a pause', async () => {
  let now = 0;
  const pacer = new Pacer(10_000, () => now);
  const started = performance.now();
  // Five senders taking 500 spans each at once: slots 0, 50, 100, 150 and 200 ms.
  await Promise.all(Array.from({ length: 5 }, () => pacer.take(500)));
  const elapsed = performance.now() - started;
  assert.ok(elapsed >= 190 && elapsed < 600, `five 500-span slots at 10,000 spans/s took ${elapsed.toFixed(0)} ms, expected about 200`);

  // After a second with nothing taken, the next request goes at once, and the one after it waits its slot again.
  now = 10_000;
  const afterPause = performance.now();
  await pacer.take(500);
  assert.ok(performance.now() - afterPause < 30, 'the first request after a pause waits for nothing');
  const second = performance.now();
  await pacer.take(100);
  const waited = performance.now() - second;
  assert.ok(waited >= 40, `the next request waits for its slot (50 ms after the last), waited ${waited.toFixed(0)} ms`);
});
