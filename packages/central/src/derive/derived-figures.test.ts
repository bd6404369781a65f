import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos, spansToBatch, type SpanBatch } from '@stitch/model';
import { InMemoryStore, StoreError, type DerivedCommit } from '@stitch/store';
import { UsageMeter } from './usage-meter.ts';
import { DerivedFigures } from './derived-figures.ts';

/** The in-memory store, whose commits of figures fail while `failing`. */
class FailingCommits extends InMemoryStore {
  failing = false;
  override async commitDerived(commit: DerivedCommit): Promise<void> {
    if (this.failing) throw new StoreError('commit refused (test)');
    return super.commitDerived(commit);
  }
}

const MINUTE_MS = Date.UTC(2030, 2, 17, 10, 0);
/** `count` requests served by `service` (entry spans of traces of their own). */
const requests = (service: string, count: number, first: number): SpanBatch =>
  spansToBatch(
    Array.from({ length: count }, (_, i) =>
      makeSpan({ name: 'GET /', kind: 'server', traceId: (first + i).toString(16).padStart(32, '0'), spanId: (first + i).toString(16).padStart(16, '0'), resource: { serviceName: service, attributes: { 'service.name': service } }, startTimeUnixNano: nanos(BigInt(MINUTE_MS) * 1_000_000n), endTimeUnixNano: nanos(BigInt(MINUTE_MS + 5) * 1_000_000n) }),
    ),
  );

async function requestsPerService(store: InMemoryStore): Promise<Record<string, [map: number, metrics: number, usage: number]>> {
  const counts: Record<string, [number, number, number]> = {};
  const of = (service: string) => (counts[service] ??= [0, 0, 0]);
  for (const r of await store.readGraphRecords(0, Number.MAX_SAFE_INTEGER)) if (r.kind === 'node') of(r.to.service)[0] += r.measurements.count;
  for (const r of await store.readMetricRecords(0, Number.MAX_SAFE_INTEGER)) of(r.service)[1] += r.measurements.count;
  for (const row of await store.readUsage('2030-01-01', '2030-12-31')) of(row.serviceName)[2] += row.spans;
  return counts;
}

test('writes finishing out of order, one that failed but landed, a commit that failed, a restart: every stored span counted once in the map, the span metrics and the usage', async () => {
  const store = new FailingCommits();
  const options = () => ({ pairWaitMs: 1_000, usage: new UsageMeter({ now: () => MINUTE_MS, log: () => {} }), log: () => {}, now: () => MINUTE_MS });
  const figures = await DerivedFigures.open(store, options());
  const [first, second, third] = [figures.nextSeq(), figures.nextSeq(), figures.nextSeq()];
  const written = async (seq: number, batch: SpanBatch, outcome: 'stored' | 'failed after landing') => {
    await store.writeBatch(batch, [], seq);
    figures.written(seq, outcome === 'stored' ? batch : null);
  };
  await written(second, requests('pricing', 3, 100), 'stored'); // waits for the first to finish
  await written(first, requests('checkout', 2, 200), 'stored');
  await written(third, requests('payments', 4, 300), 'failed after landing');
  store.failing = true;
  await figures.flush(); // refused: counted again from the store at the next
  store.failing = false;
  await written(figures.nextSeq(), requests('checkout', 1, 400), 'stored');
  await figures.flush();
  const expected = { checkout: [3, 3, 3], pricing: [3, 3, 3], payments: [4, 4, 4] };
  assert.deepEqual(await requestsPerService(store), expected);

  // Counted since the last commit and not committed (a central killed now): the next start counts it.
  await written(figures.nextSeq(), requests('pricing', 5, 500), 'stored');
  const restarted = await DerivedFigures.open(store, options());
  await restarted.close();
  assert.deepEqual(await requestsPerService(store), { ...expected, pricing: [8, 8, 8] }, 'and nothing counted twice');
});
