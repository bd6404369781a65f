import { ServiceGraphAggregator, type GraphRecord } from '@stitch/graph';
import { nanos } from '@stitch/model';
import type { TraceReads } from '@stitch/store';

const MINUTE_MS = 60_000;

/** Traces read at most to recount one partial minute; past it the minute is taken whole (and the answer says so). */
export const MAX_RECOUNT_TRACES = 20_000;

export interface MapWindow {
  startMs: number;
  endMs: number;
}

export interface WindowRecords {
  /** The window the records cover: the one asked for, unless a minute it cuts was taken whole. */
  window: MapWindow;
  records: GraphRecord[];
  /** False when a minute the window cuts was taken whole (too many traces to recount, or not settled yet). */
  exact: boolean;
}

interface Piece {
  fromMs: number;
  toMs: number;
  records: GraphRecord[];
  exact: boolean;
}

/**
 * The map's records of [startMs, endMs). Whole minutes come as counted at ingest; a minute the
 * window cuts is recounted from the spans stored in it by the same aggregator, so a 10-second
 * window counts 10 seconds of requests, not a minute's. A cut minute not settled yet (calls in it
 * may still be waiting for their callee: a recount would take them for calls to peers), or
 * holding more than MAX_RECOUNT_TRACES traces, is taken whole as counted so far, and the window
 * answered grows to it (never past `nowMs`).
 */
export async function recordsOfWindow(store: TraceReads, window: MapWindow, settledThroughMs: number, nowMs: number, visible: (records: GraphRecord[]) => GraphRecord[] = (records) => records): Promise<WindowRecords> {
  const firstWhole = Math.ceil(window.startMs / MINUTE_MS) * MINUTE_MS;
  const lastWhole = Math.floor(window.endMs / MINUTE_MS) * MINUTE_MS;
  const cuts: Array<[number, number]> = firstWhole <= lastWhole ? [[window.startMs, firstWhole], [lastWhole, window.endMs]] : [[window.startMs, window.endMs]];
  const pieces = await Promise.all([
    ...cuts.filter(([from, to]) => from < to).map(([from, to]) => cutMinute(store, from, to, settledThroughMs, visible)),
    ...(firstWhole < lastWhole ? [store.readGraphRecords(firstWhole, lastWhole).then((records): Piece => ({ fromMs: firstWhole, toMs: lastWhole, records, exact: true }))] : []),
  ]);
  if (pieces.length === 0) return { window, records: [], exact: true };
  return {
    window: { startMs: Math.min(...pieces.map((piece) => piece.fromMs)), endMs: Math.min(Math.max(...pieces.map((piece) => piece.toMs)), Math.max(window.endMs, nowMs)) },
    records: pieces.flatMap((piece) => piece.records),
    exact: pieces.every((piece) => piece.exact),
  };
}

/** [fromMs, toMs) inside one minute: recounted when settled and small enough, else the whole minute as counted. */
async function cutMinute(store: TraceReads, fromMs: number, toMs: number, settledThroughMs: number, visible: (records: GraphRecord[]) => GraphRecord[]): Promise<Piece> {
  const recounted = toMs <= settledThroughMs ? await recount(store, fromMs, toMs) : null;
  // A recount sees what the store's view shows (a scoped reader's traces, with placeholders), and is narrowed as its stored records are.
  if (recounted) return { fromMs, toMs, records: visible(recounted), exact: true };
  const minuteMs = Math.floor(fromMs / MINUTE_MS) * MINUTE_MS;
  return { fromMs: minuteMs, toMs: minuteMs + MINUTE_MS, records: await store.readGraphRecords(minuteMs, minuteMs + MINUTE_MS), exact: false };
}

/** The records of what started in [fromMs, toMs), recounted from the stored traces; null when there are too many to read. */
async function recount(store: TraceReads, fromMs: number, toMs: number): Promise<GraphRecord[] | null> {
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
