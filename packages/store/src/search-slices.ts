import { nanos, type TraceSummary } from '@stitch/model';
import type { TraceQuery } from './trace-store.ts';

/**
 * Newest first, so the window is searched from its end in slices: 1/16 of it first, then
 * sized by how many matches the slices so far held (all the rest when they held none), until
 * `limit` traces are found. A busy hour answers from its last minutes; a rare match costs two
 * passes. A trace belongs to the slice holding its start, so the answers simply concatenate.
 */
export async function searchNewestFirst(query: TraceQuery, searchSlice: (slice: TraceQuery) => Promise<TraceSummary[]>): Promise<TraceSummary[]> {
  const start = query.startNanos as bigint;
  const found: TraceSummary[] = [];
  let sliceEnd = query.endNanos as bigint;
  let width = (sliceEnd - start) / 16n + 1n;
  while (found.length < query.limit && sliceEnd > start) {
    const sliceStart = sliceEnd - width > start ? sliceEnd - width : start;
    const slice = { ...query, startNanos: nanos(sliceStart), endNanos: nanos(sliceEnd), limit: query.limit - found.length };
    found.push(...(await searchSlice(slice)));
    const searched = query.endNanos - sliceStart;
    const needed = BigInt(query.limit - found.length);
    // Expect matches at the density seen so far, with room to spare.
    width = found.length === 0 ? sliceStart - start : (searched * needed * 2n) / BigInt(found.length) + 1n;
    sliceEnd = sliceStart;
  }
  return found;
}
