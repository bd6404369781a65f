import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, spansToBatch } from '@stitch/model';
import { InMemoryStore } from '@stitch/store';
import { WriteQueue } from './write-queue.ts';

/** A store that counts how often the writer asks it which deliveries it holds. */
class CountingStore extends InMemoryStore {
  lookups = 0;
  override async storedDeliveries(deliveryIds: readonly string[]): Promise<Set<string>> {
    this.lookups++;
    return super.storedDeliveries(deliveryIds);
  }
}

const numbering = () => {
  let seq = 0;
  return { nextSeq: () => ++seq, written: () => {} };
};
const oneSpan = (i: number) => spansToBatch([makeSpan({ traceId: i.toString(16).padStart(32, '0') })]);

/**
 * A writer started over a store that holds `stored` deliveries (a restart): 1,000 requests at
 * once, a tenth of them retries of deliveries stored before the restart, then each of the new ones
 * retried. Store lookups per request, each phase.
 */
async function lookupsPerRequest(stored: number): Promise<{ first: number; retried: number }> {
  const store = new CountingStore();
  await store.writeBatch(spansToBatch([]), Array.from({ length: stored }, (_, i) => `old/${i}`));
  const writes = new WriteQueue(store, numbering());
  const ids = Array.from({ length: 1_000 }, (_, i) => (i % 10 === 0 ? `old/${(i * 7919) % stored}` : `new/${i}`));
  const outcomes = await Promise.all(ids.map((id, i) => writes.write(oneSpan(i), id)));
  assert.deepEqual(outcomes, ids.map((id) => (id.startsWith('old/') ? 'duplicate' : 'stored')), 'a delivery stored before the restart is recognised');
  const first = store.lookups / ids.length;
  store.lookups = 0;
  const fresh = ids.filter((id) => id.startsWith('new/'));
  const retried = await Promise.all(fresh.map((id, i) => writes.write(oneSpan(i), id)));
  assert.ok(retried.every((outcome) => outcome === 'duplicate'), 'a retry of what this writer stored is a duplicate');
  assert.equal((await store.stats()).spanCount, 900, 'each span stored once');
  return { first: store.lookups / ids.length, retried: store.lookups / fresh.length };
}

test('delivery de-duplication asks the store once per combined write, not once per request, however many deliveries it holds', async () => {
  const few = await lookupsPerRequest(1_000);
  const some = await lookupsPerRequest(10_000);
  const many = await lookupsPerRequest(100_000);
  assert.ok(few.first <= 0.01, `store lookups per request arriving together: ${few.first} (one per combined write)`);
  assert.ok(some.first <= 2 * few.first && many.first <= 2 * few.first, `store lookups per request: ${few.first} with 1,000 stored, ${some.first} with 10,000, ${many.first} with 100,000`);
  for (const run of [few, some, many]) assert.equal(run.retried, 0, 'a retry of a delivery stored by this process is answered without the store');
});

test('a delivery written alone is still checked against the store (a restart forgets what was remembered)', async () => {
  const store = new CountingStore();
  await store.writeBatch(spansToBatch([]), ['a/1']);
  const writes = new WriteQueue(store, numbering());
  assert.equal(await writes.write(oneSpan(1), 'a/1'), 'duplicate');
  assert.equal(await writes.write(oneSpan(2), 'a/2'), 'stored');
  assert.equal(await writes.write(oneSpan(2), 'a/2'), 'duplicate');
  assert.equal(store.lookups, 2, 'the second try of a/2 needed no lookup');
  assert.equal((await store.stats()).spanCount, 1);
});
