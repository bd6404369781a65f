import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DelayingCursor } from './mix-load.ts';
import type { MixPayload } from './mix-pool.ts';

const payload = (tag: number, delayMs: number): MixPayload => ({ body: Uint8Array.of(tag), spanCount: tag, traceIdOffsets: new Int32Array(0), traces: [], delayMs });

test('held payloads are sent once their delay has passed, before the next in order', () => {
  let now = 0;
  const cursor = new DelayingCursor([payload(1, 0), payload(2, 5_000), payload(3, 0), payload(4, 1_000)], () => now);
  const sent = () => cursor.next().spanCount;
  assert.deepEqual([sent(), sent()], [1, 3], '2 is held');
  assert.equal(sent(), 1, '4 held too; the next pass begins');
  assert.equal(cursor.heldCount, 2);
  now = 999;
  assert.equal(sent(), 3, '2 of the second pass is held as well');
  now = 1_000;
  assert.equal(sent(), 4);
  now = 5_000;
  assert.deepEqual([sent(), sent()], [2, 1], "the first pass's 2 is due; the second pass's 4 is held on the way to 1");
  assert.equal(cursor.heldCount, 2, "the second pass's 2 and 4, due at 5,999 and 6,000");
  now = 6_000;
  assert.deepEqual([sent(), sent()].sort(), [2, 4]);
});

test('a stream of held payloads only is refused (nothing would ever be sent in order)', () => {
  assert.throws(() => new DelayingCursor([payload(1, 1_000)]));
});
