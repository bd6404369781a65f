import assert from 'node:assert/strict';
import { spansToBatch, summarizeTrace, type Span } from '@stitch/model';
import { parseFilter, traceMatches } from '@stitch/query';
import type { TraceStore } from '@stitch/store';
import { lateRoot, traceStatusWindow } from './trace-status-cases.ts';

/** Test support: the store's summaries and trace.status filters agree with the reference on these traces. */
export async function assertTraceStatuses(store: TraceStore, traces: readonly Span[][]): Promise<void> {
  const got = (await store.searchTraces(traceStatusWindow)).map((t) => `${t.traceId} ${t.status} ${t.errorSpanCount}`).sort();
  const want = traces.map((spans) => summarizeTrace(spans)!).map((t) => `${t.traceId} ${t.status} ${t.errorSpanCount}`).sort();
  assert.deepEqual(got, want);
  for (const text of ['trace.status = ok', 'trace.status = fault', 'trace.status = error', 'trace.status = unknown', 'trace.status = ok AND fault']) {
    const found = (await store.searchTraces({ ...traceStatusWindow, filter: parseFilter(text) })).map((t) => t.traceId).sort();
    assert.deepEqual(found, traces.filter((spans) => traceMatches(parseFilter(text), spans)).map((spans) => spans[0]!.traceId).sort(), text);
  }
}

/**
 * Test support: a store just migrated from before trace statuses holds the right ones for the
 * traces written before, and parts written after the migration merge with those.
 */
export async function assertMigratedTraceStatuses(store: TraceStore, traces: readonly Span[][]): Promise<void> {
  await assertTraceStatuses(store, traces);
  await store.writeBatch(spansToBatch([lateRoot()]));
  await assertTraceStatuses(store, traces.map((spans) => (spans[0]!.traceId === lateRoot().traceId ? [...spans, lateRoot()] : spans)));
}
