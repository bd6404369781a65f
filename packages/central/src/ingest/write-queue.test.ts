import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchToSpans, makeSpan, spansToBatch, type SpanBatch } from '@stitch/model';
import { InMemoryStore, StoreError } from '@stitch/store';
import { IngestLog } from './ingest-log.ts';
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

test('what a write stored is what is counted: a store that resumes a partly landed delivery stores, and reports, only the rest', async () => {
  // As ClickHouse does for the retry of a write cut short: the spans of the first attempt are there, counted from the store.
  class ResumingStore extends InMemoryStore {
    override async writeBatch(batch: SpanBatch, deliveryIds: readonly string[] = [], ingestSeq?: number): Promise<SpanBatch> {
      return super.writeBatch(spansToBatch(batchToSpans(batch).slice(1)), deliveryIds, ingestSeq);
    }
  }
  const counted: number[] = [];
  const writes = new WriteQueue(new ResumingStore(), { ...numbering(), written: (_seq, batch) => counted.push(batch?.length ?? -1) });
  const spans = [1, 2, 3].map((n) => makeSpan({ traceId: 'f'.repeat(32), spanId: `${n}`.padStart(16, '0') }));
  assert.equal(await writes.write(spansToBatch(spans), 'a/cut'), 'stored');
  assert.deepEqual(counted, [2], 'the two spans this write stored, not the three it was given');
});

/** A store whose writes can be made to fail: all of them, or those holding a given trace. */
class FailingStore extends InMemoryStore {
  writeSizes: number[] = [];
  failAll = false;
  poisonTraceId: string | null = null;
  override async writeBatch(batch: SpanBatch, deliveryIds: readonly string[] = [], ingestSeq?: number): Promise<SpanBatch> {
    if (this.failAll) throw new StoreError('the disk is full');
    if (this.poisonTraceId !== null && batch.traceId.includes(this.poisonTraceId)) throw new StoreError('the batch cannot be stored');
    this.writeSizes.push(batch.length);
    return super.writeBatch(batch, deliveryIds, ingestSeq);
  }
}

function loggedQueue(t: { after: (fn: () => void) => void }, store: InMemoryStore, lingerMs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'stitch-write-queue-'));
  const log = IngestLog.open(dir);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const notices: string[] = [];
  const writes = new WriteQueue(store, numbering(), { log, lingerMs, notice: (message) => notices.push(message) });
  const stored: number[] = [];
  const accept = (i: number) => writes.accept(oneSpan(i), { meta: { accountId: '1', accountLabel: '1', format: 'json', encoding: null, deliveryId: `1/d-${i}` }, body: Buffer.from(`request ${i}`) }, () => stored.push(i), false);
  return { dir, log, writes, stored, accept, notices };
}

test('with an ingest log, requests are answered once logged and stored together after the linger; a read waiting for them has them stored at once', async (t) => {
  const store = new FailingStore();
  const { log, writes, stored, accept } = loggedQueue(t, store, 60_000);
  const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => accept(i)));
  assert.ok(answers.every((answer) => answer === 'accepted'));
  assert.equal((await store.stats()).spanCount, 0, 'answered before stored: a minute of linger has not passed');
  assert.equal(await accept(3), 'duplicate', 'a retry of an accepted delivery is not logged again');
  await writes.caughtUp();
  assert.equal((await store.stats()).spanCount, 40, 'the read had them stored');
  assert.deepEqual(store.writeSizes, [40], 'in one write');
  assert.equal(stored.length, 40);
  assert.equal(log.unreleasedCount, 0, 'each record released once stored');
  assert.equal(await accept(3), 'duplicate');
  await log.close();
});

test('when the store fails, accepted requests wait and are retried (reads do not wait for the retries): once it works they are all stored, each once', async (t) => {
  const store = new FailingStore();
  store.failAll = true;
  const { log, writes, accept } = loggedQueue(t, store, 10);
  for (let i = 0; i < 5; i++) assert.equal(await accept(i), 'accepted');
  let started = performance.now();
  await writes.caughtUp(10_000);
  assert.ok(performance.now() - started < 2_000, `a read waits for one failed attempt, not its retries (${Math.round(performance.now() - started)} ms)`);
  started = performance.now();
  await writes.caughtUp(10_000);
  assert.ok(performance.now() - started < 100, 'nor for requests waiting to be retried');
  assert.equal(writes.backlogSpans, 5, 'the failed requests count against the backlog (admission sheds behind them)');
  store.failAll = false;
  while (writes.backlogSpans > 0) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal((await store.stats()).spanCount, 5);
  assert.equal(log.unreleasedCount, 0);
  await log.close();
});

test('a request that fails alone again and again while other writes succeed is set aside in dead-letter/, and the others are stored', { timeout: 30_000 }, async (t) => {
  const store = new FailingStore();
  store.poisonTraceId = oneSpan(2).traceId[0]!;
  const { dir, log, writes, accept, notices } = loggedQueue(t, store, 10);
  for (let i = 0; i < 4; i++) await accept(i);
  // Others keep storing while the poisoned request is retried (1 s, then 2 s).
  for (let i = 4; i < 8; i++) {
    await new Promise((resolve) => setTimeout(resolve, 900));
    await accept(i);
  }
  await writes.caughtUp(10_000);
  assert.equal((await store.stats()).spanCount, 7, 'every request but the poisoned one');
  const letters = readdirSync(join(dir, 'dead-letter'));
  assert.equal(letters.length, 1);
  const letter = JSON.parse(readFileSync(join(dir, 'dead-letter', letters[0]!), 'utf8')) as { reason: string; bodyBase64: string };
  assert.match(letter.reason, /cannot be stored/);
  assert.equal(Buffer.from(letter.bodyBase64, 'base64').toString(), 'request 2');
  assert.match(notices.join('\n'), /set aside/);
  assert.equal(log.unreleasedCount, 0);
  await log.close();
});
