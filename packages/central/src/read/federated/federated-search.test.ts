import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nanos, spansToBatch, summarizeTrace, type Span, type TraceSummary } from '@stitch/model';
import { parseFilter, traceMatches } from '@stitch/query';
import { InMemoryStore, type TraceQuery } from '@stitch/store';
import { checkoutTraces } from '@stitch/test-support/fixtures';
import { searchAcrossParts, type FederatedSearchOptions, type PartSource } from './federated-search.ts';

// Checkouts over ten minutes, some with a 9 s Stripe call, split by account into five stores.
const traces: Span[][] = [...checkoutTraces(150, 0x5ea4c4), ...checkoutTraces(12, 0x5104, { stripeMs: [8_500, 9_000] })];
const T0 = traces.flat().reduce((min, span) => (span.startTimeUnixNano < min ? span.startTimeUnixNano : min), traces[0]![0]!.startTimeUnixNano);
const MINUTE = 60_000_000_000n;

/** Every store's spans of these traces, put together (what central's fetch of candidates does). */
function wholeTraces(stores: readonly InMemoryStore[], fetched: string[] = []) {
  return async (ids: readonly string[]) => {
    fetched.push(...ids);
    const merged = new Map<string, Span[]>();
    for (const store of stores) for (const [id, spans] of await store.getTraces(ids)) merged.set(id, [...(merged.get(id) ?? []), ...spans]);
    return merged;
  };
}

async function accountStores(): Promise<InMemoryStore[]> {
  const byAccount = new Map<string, Span[]>();
  for (const span of traces.flat()) byAccount.set(span.account.id, [...(byAccount.get(span.account.id) ?? []), span]);
  return Promise.all(
    [...byAccount.values()].map(async (spans) => {
      const store = new InMemoryStore();
      await store.writeBatch(spansToBatch(spans));
      return store;
    }),
  );
}

/** What one store holding every span answers: the reference. */
function expected(query: TraceQuery): TraceSummary[] {
  return traces
    .filter((spans) => !query.filter || traceMatches(query.filter, spans))
    .map((spans) => summarizeTrace(spans)!)
    .filter((s) => s.startTimeUnixNano >= query.startNanos && s.startTimeUnixNano < query.endNanos)
    .filter((s) => query.minDurationNanos === undefined || s.durationNanos >= query.minDurationNanos)
    .filter((s) => query.serviceName === undefined || s.services.includes(query.serviceName))
    .sort((a, b) => (a.startTimeUnixNano === b.startTimeUnixNano ? a.traceId.localeCompare(b.traceId) : a.startTimeUnixNano > b.startTimeUnixNano ? -1 : 1));
}

const FILTERS = ['', 'duration > 8', 'service("checkout-orchestrator") AND duration > 8', 'duration < 1', 'service("payments") { duration > 5 }', 'NOT service("email") OR fault', 'service("pricing") AND service("email") AND duration >= 2', 'edge("checkout-orchestrator", "payments")'];
// Windows that cut traces at both ends, and the whole span of the data.
const WINDOWS: Array<[bigint, bigint]> = [
  [T0 - MINUTE, T0 + 20n * MINUTE],
  [T0 + 2n * MINUTE, T0 + 7n * MINUTE],
];

test('search across parts returns what one store of every span returns: pages, histogram, windows that cut traces', async () => {
  const stores = await accountStores();
  const sources: PartSource[] = stores.map((store) => ({ searchParts: (query) => store.searchTraces(query) }));
  const fetchTraces = wholeTraces(stores);
  for (const options of [
    { pageSize: 3, maxPageSize: 40, maxCandidates: 100_000, partSlackNanos: MINUTE },
    { pageSize: 200, maxPageSize: 5_000, maxCandidates: 100_000, partSlackNanos: 5n * MINUTE },
  ] satisfies FederatedSearchOptions[]) {
    for (const [startNanos, endNanos] of WINDOWS) {
      for (const q of FILTERS) {
        for (const limit of [1, 7, 50]) {
          const query: TraceQuery = { startNanos: nanos(startNanos), endNanos: nanos(endNanos), limit, ...(q && { filter: parseFilter(q) }) };
          const all = expected(query);
          const found = await searchAcrossParts(query, limit, sources, fetchTraces, options);
          assert.equal(found.complete, true);
          assert.deepEqual(found.traces.map((t) => t.traceId), all.slice(0, limit).map((t) => t.traceId), `q=${q} limit=${limit} page=${options.pageSize}`);
          assert.deepEqual(found.traces, all.slice(0, limit));
        }
        const histogram = await searchAcrossParts({ startNanos: nanos(startNanos), endNanos: nanos(endNanos), limit: 0, ...(q && { filter: parseFilter(q) }) }, null, sources, fetchTraces, options);
        const durations = expected({ startNanos: nanos(startNanos), endNanos: nanos(endNanos), limit: 0, ...(q && { filter: parseFilter(q) }) }).map((t) => t.durationNanos);
        assert.deepEqual([...histogram.durations].sort(), [...durations].sort(), `histogram q=${q}`);
      }
    }
  }
  // The service and duration parameters are conditions on whole traces too.
  const withParams: TraceQuery = { startNanos: nanos(T0 - MINUTE), endNanos: nanos(T0 + 20n * MINUTE), limit: 5, serviceName: 'payments', minDurationNanos: nanos(8_000_000_000n) };
  const found = await searchAcrossParts(withParams, 5, sources, fetchTraces, { pageSize: 10, maxPageSize: 100, maxCandidates: 100_000, partSlackNanos: MINUTE });
  assert.deepEqual(found.traces, expected({ ...withParams, filter: parseFilter('duration >= 8') }).slice(0, 5));
});

test('duration > 8 is answered from the parts\' bounds: only likely matches are fetched whole', async () => {
  const stores = await accountStores();
  const sources: PartSource[] = stores.map((store) => ({ searchParts: (query) => store.searchTraces(query) }));
  const fetchedIds: string[] = [];
  const fetchTraces = wholeTraces(stores, fetchedIds);
  const query: TraceQuery = { startNanos: nanos(T0 - MINUTE), endNanos: nanos(T0 + 20n * MINUTE), limit: 5, filter: parseFilter('duration > 8') };
  const found = await searchAcrossParts(query, 5, sources, fetchTraces, { pageSize: 20, maxPageSize: 1_000, maxCandidates: 100_000, partSlackNanos: MINUTE });
  assert.deepEqual(found.traces, expected(query).slice(0, 5));
  assert.ok(fetchedIds.length <= 20, `fetched ${fetchedIds.length} traces whole for 5 slow ones of ${traces.length}`);
});

test('the candidate bound stops a search and says so', async () => {
  const stores = await accountStores();
  const sources: PartSource[] = stores.map((store) => ({ searchParts: (query) => store.searchTraces(query) }));
  const query: TraceQuery = { startNanos: nanos(T0 - MINUTE), endNanos: nanos(T0 + 20n * MINUTE), limit: 5, filter: parseFilter('NOT fault') };
  const found = await searchAcrossParts(query, null, sources, async () => new Map(), { pageSize: 10, maxPageSize: 10, maxCandidates: 30, partSlackNanos: MINUTE });
  assert.equal(found.complete, false);
  assert.ok(found.candidates >= 30 && found.candidates < 100);
});
