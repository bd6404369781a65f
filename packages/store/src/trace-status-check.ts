import assert from 'node:assert/strict';
import { summarizeTrace, type Span } from '@stitch/model';
import { parseFilter, traceMatches } from '@stitch/query';
import type { TraceStore } from './trace-store.ts';
import { traceStatusWindow } from './trace-status-cases.ts';

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
