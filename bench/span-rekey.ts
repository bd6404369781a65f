import type { SpanBatch } from '@stitch/model';
import { traceIdInRound } from './otlp-load.ts';

// A store is filled with the pool's traces round after round. Real ingest arrives in time order
// (spans are exported seconds after they end), and the store relies on that (searches read spans
// from the window's start on; row groups are skipped by their min/max), so the fill lays the
// rounds out in time: round r of R takes the r-th 1/R of the window, each trace keeping its place
// in the window relative to the others (its offset from the window's start divided by R) and its
// own spans' timing untouched. A round also gives every trace a new id (traceIdInRound).

/** How a fill of `rounds` rounds lays them out over the window the pool's traces start in. */
export interface RoundLayout {
  windowStartNs: bigint;
  windowNs: bigint;
  rounds: number;
}

/** Where round `round` starts a trace that the pool starts at `startNs` (a start in the window stays in it, in the round's slice). */
export function startInRound(startNs: bigint, round: number, layout: RoundLayout): bigint {
  return layout.windowStartNs + (BigInt(round) * layout.windowNs + (startNs - layout.windowStartNs)) / BigInt(layout.rounds);
}

/** A decoded pool payload with what re-keying and re-timing it needs, worked out once for every round. */
export interface PoolBatch {
  batch: SpanBatch;
  /** The round-0 ids of its traces (a payload holds whole traces), each with its start. */
  traceIds: string[];
  traceStartNs: BigInt64Array;
  /** For every span, the index of its trace in traceIds. */
  traceOf: Uint32Array;
  /** Spans with events: their times are in the detail JSON. */
  rowsWithEvents: number[];
}

export function poolBatch(batch: SpanBatch): PoolBatch {
  const index = new Map<string, number>();
  const starts: bigint[] = [];
  const traceOf = new Uint32Array(batch.length);
  const rowsWithEvents: number[] = [];
  for (let i = 0; i < batch.length; i++) {
    const id = batch.traceId[i]!;
    let trace = index.get(id);
    if (trace === undefined) {
      index.set(id, (trace = starts.length));
      starts.push(batch.startNs[i]!);
    } else if (batch.startNs[i]! < starts[trace]!) {
      starts[trace] = batch.startNs[i]!;
    }
    traceOf[i] = trace;
    if (batch.eventsJson[i] !== null) rowsWithEvents.push(i);
  }
  return { batch, traceIds: [...index.keys()], traceStartNs: BigInt64Array.from(starts), traceOf, rowsWithEvents };
}

function shiftEventTimes(eventsJson: string, shiftNs: bigint): string {
  const events = JSON.parse(eventsJson) as Array<{ timeUnixNano: string }>;
  for (const event of events) event.timeUnixNano = (BigInt(event.timeUnixNano) + shiftNs).toString();
  // Parsed from JSON.stringify's output, so stringifying again gives the same text but for the times.
  return JSON.stringify(events);
}

/**
 * The payload's batch as round `round` of `layout` stores it: trace ids as
 * `payloadForRound(payload, round)` has them, and every span, event included, moved by the
 * time its trace moves (startInRound). Filling a store this way skips decoding the same bytes
 * again for every round (decoding runs at a fraction of the store's write rate).
 */
export function batchInRound(source: PoolBatch, round: number, layout: RoundLayout): SpanBatch {
  const { batch, traceOf } = source;
  const ids = source.traceIds.map((id) => traceIdInRound(id, round));
  const shifts = source.traceStartNs.map((startNs) => startInRound(startNs, round, layout) - startNs);
  const startNs = new BigInt64Array(batch.length);
  const endNs = new BigInt64Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const shift = shifts[traceOf[i]!]!;
    startNs[i] = batch.startNs[i]! + shift;
    endNs[i] = batch.endNs[i]! + shift;
  }
  const eventsJson = [...batch.eventsJson];
  for (const i of source.rowsWithEvents) eventsJson[i] = shiftEventTimes(eventsJson[i]!, shifts[traceOf[i]!]!);
  return { ...batch, traceId: Array.from(traceOf, (trace) => ids[trace]!), startNs, endNs, eventsJson };
}
