import type { TraceSummaryJson } from './trace-json.ts';

/** A trace whose root span has not arrived: its duration and status may still change. */
export const isArriving = (trace: Pick<TraceSummaryJson, 'status'>): boolean => trace.status === 'unknown';

export const TRACE_LIST_ORDERS = ['newest', 'oldest', 'slowest', 'fastest'] as const;
export type TraceListOrder = (typeof TRACE_LIST_ORDERS)[number];

/**
 * A list of traces in the order asked, the traces still arriving after the others (a trace whose
 * root is missing is not the newest or the slowest: its start and end are not known yet).
 */
export function orderTraceList<T extends Pick<TraceSummaryJson, 'status' | 'startTimeUnixNano' | 'durationMs' | 'traceId'>>(traces: readonly T[], order: TraceListOrder): T[] {
  const started = (trace: T) => BigInt(trace.startTimeUnixNano);
  const compare = (a: T, b: T): number => {
    if (isArriving(a) !== isArriving(b)) return isArriving(a) ? 1 : -1;
    const byStart = started(a) < started(b) ? -1 : started(a) > started(b) ? 1 : 0;
    const key = order === 'newest' ? -byStart : order === 'oldest' ? byStart : order === 'slowest' ? b.durationMs - a.durationMs : a.durationMs - b.durationMs;
    return key !== 0 ? key : a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0;
  };
  return [...traces].sort(compare);
}

/** How many traces a list shows of how many match: `20 of 28 traces`, or `28 traces` when it shows them all. */
export function listedText(shown: number, matched: number): string {
  const noun = matched === 1 ? 'trace' : 'traces';
  return shown >= matched ? `${matched} ${noun}` : `${shown} of ${matched} ${noun}`;
}
