import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos, type SpanBatch } from '@stitch/model';
import { InMemoryStore, StoreError } from '@stitch/store';
import { spansToOtlpJson } from '@stitch/wire';
import { startTestCentral } from '@stitch/test-support/central';

/** An in-memory store whose span writes fail while `failing` (a full disk): every failed write counted. */
class FailingStore extends InMemoryStore {
  failing = true;
  failedWrites = 0;
  override async writeBatch(batch: SpanBatch, deliveryIds?: readonly string[], ingestSeq?: number): Promise<SpanBatch> {
    if (this.failing) {
      this.failedWrites++;
      throw new StoreError('disk full');
    }
    return super.writeBatch(batch, deliveryIds, ingestSeq);
  }
}

const waitFor = async (what: string, done: () => Promise<boolean>) => {
  const deadline = Date.now() + 15_000;
  while (!(await done())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

test('kept traces whose write fails stay held and are stored once the store recovers; meanwhile ingest refuses (503), nothing is dropped', { timeout: 60_000 }, async (t) => {
  const store = new FailingStore();
  const logged: string[] = [];
  const central = await startTestCentral({ store, maxPendingSpans: 1, log: (line) => logged.push(line), tailSampling: { keepErrors: true, slowerThan: [], probability: 0, idleMs: 200 } });
  t.after(() => central.stop());
  const base = BigInt(Date.now() - 60_000) * 1_000_000n;
  const post = (spans: ReturnType<typeof makeSpan>[]) => fetch(`${central.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spansToOtlpJson(spans)) });
  const traceIds = ['f1'.repeat(16), 'f2'.repeat(16)];
  for (const [i, traceId] of traceIds.entries()) {
    const start = base + BigInt(i) * 1_000_000n;
    const root = makeSpan({ traceId, spanId: `${i}`.padStart(16, 'a'), parentSpanId: null, startTimeUnixNano: nanos(start), endTimeUnixNano: nanos(start + 9_000_000n) });
    const failed = makeSpan({ traceId, spanId: `${i}`.padStart(16, 'b'), parentSpanId: root.spanId, startTimeUnixNano: nanos(start + 1n), endTimeUnixNano: nanos(start + 8_000_000n), status: { code: 'error', message: 'boom' } });
    assert.equal((await post([root, failed])).status, 200, 'accepted: held for its trace to complete');
  }
  // Both are kept (errors), their write fails: held, so ingest, over its one span waiting, refuses.
  await waitFor('the failed write', async () => store.failedWrites > 0);
  const other = makeSpan({ traceId: 'ee'.repeat(16), spanId: 'e'.repeat(16), startTimeUnixNano: nanos(base), endTimeUnixNano: nanos(base + 1n) });
  let refused: Response | null = null;
  await waitFor('a refusal', async () => {
    const answer = await post([other]);
    if (answer.status === 200) return false;
    refused = answer;
    return true;
  });
  assert.equal(refused!.status, 503);
  assert.equal(refused!.headers.get('retry-after'), '1');
  assert.match(((await refused!.json()) as { message: string }).message, /spans are waiting for the store/);
  assert.ok(logged.some((line) => /kept traces not stored yet \(disk full\); held and written again/.test(line)), logged.join('\n'));
  const failedBefore = store.failedWrites;
  await waitFor('a second try', async () => store.failedWrites > failedBefore);

  store.failing = false;
  const stored = async (traceId: string) => (await store.getTrace(traceId)).length === 2;
  await waitFor('both kept traces stored', async () => (await stored(traceIds[0]!)) && (await stored(traceIds[1]!)));
  await waitFor('ingest accepting again', async () => (await post([other])).status === 200);
  await waitFor('the recovery logged', async () => logged.some((line) => /kept traces stored again after/.test(line)));
});
