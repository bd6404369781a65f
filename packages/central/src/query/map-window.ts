import { ServiceGraphAggregator, type GraphRecord } from '@stitch/graph';
import { nanos } from '@stitch/model';
import type { TraceStore } from '@stitch/store';

const MINUTE_MS = 60_000;

/** Traces read at most to recount one partial minute; past it the minute is taken whole (and the answer says so). */
export const MAX_RECOUNT_TRACES = 20_000;

export interface MapWindow {
  startMs: number;
  endMs: number;
}

export interface WindowRecords {
  /** The window the records cover: the one asked for, unless a partial minute held too many traces to recount. */
  window: MapWindow;
  records: GraphRecord[];
  /** False when a partial minute was taken whole. */
  exact: boolean;
}

/**
 * The map's records of exactly [startMs, endMs). Whole minutes come as counted at ingest; the
 * minutes the window cuts are recounted from the spans stored in them, by the same aggregator,
 * so a 10-second window counts 10 seconds of requests, not a minute's.
 */
export async function recordsOfWindow(store: TraceStore, window: MapWindow): Promise<WindowRecords> {
  const firstWhole = Math.ceil(window.startMs / MINUTE_MS) * MINUTE_MS;
  const lastWhole = Math.floor(window.endMs / MINUTE_MS) * MINUTE_MS;
  if (firstWhole >= lastWhole) {
    // Within one minute, or across one boundary with no whole minute between.
    const [head, tail] = await Promise.all([recount(store, window.startMs, Math.min(firstWhole, window.endMs)), recount(store, Math.max(firstWhole, window.startMs), window.endMs)]);
    if (head && tail) return { window, records: [...head, ...tail], exact: true };
    const widened = { startMs: Math.floor(window.startMs / MINUTE_MS) * MINUTE_MS, endMs: Math.ceil(window.endMs / MINUTE_MS) * MINUTE_MS };
    return { window: widened, records: await store.readGraphRecords(widened.startMs, widened.endMs), exact: false };
  }
  const [head, whole, tail] = await Promise.all([
    recount(store, window.startMs, firstWhole),
    store.readGraphRecords(firstWhole, lastWhole),
    recount(store, lastWhole, window.endMs),
  ]);
  const startMs = head ? window.startMs : firstWhole - MINUTE_MS;
  const endMs = tail ? window.endMs : lastWhole === window.endMs ? lastWhole : lastWhole + MINUTE_MS;
  const [headRecords, tailRecords] = await Promise.all([head ?? store.readGraphRecords(startMs, firstWhole), tail ?? store.readGraphRecords(lastWhole, endMs)]);
  return { window: { startMs, endMs }, records: [...headRecords, ...whole, ...tailRecords], exact: head !== null && tail !== null };
}

/** The records of what started in [fromMs, toMs), recounted from the stored traces; null when there are too many to read. */
async function recount(store: TraceStore, fromMs: number, toMs: number): Promise<GraphRecord[] | null> {
  if (fromMs >= toMs) return [];
  const ids = await store.traceIdsStartedIn(nanos(BigInt(fromMs) * 1_000_000n), nanos(BigInt(toMs) * 1_000_000n), MAX_RECOUNT_TRACES + 1);
  if (ids.length > MAX_RECOUNT_TRACES) return null;
  if (ids.length === 0) return [];
  // Millisecond buckets, so what started outside [fromMs, toMs) can be told apart and left out;
  // every span of those traces is there, so nothing waits for a partner.
  const aggregator = new ServiceGraphAggregator({ bucketMs: 1, maxWaiting: Number.MAX_SAFE_INTEGER });
  for (const spans of (await store.getTraces(ids)).values()) aggregator.add(spans, 0);
  aggregator.expire(Number.MAX_SAFE_INTEGER);
  return aggregator.drain().filter((record) => record.bucketStartMs >= fromMs && record.bucketStartMs < toMs);
}
