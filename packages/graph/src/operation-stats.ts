import { spanDuration, type CriticalGapSegment, type Nanos, type Span, type SpanKind } from '@stitch/model';
import { operationKey, operationOf, peerOf, type OperationRef } from './operation.ts';
import { percentile } from './percentile.ts';
import { spanById, type TraceFacts } from './trace-facts.ts';

type Interval = Pick<Span, 'startTimeUnixNano' | 'endTimeUnixNano'>;

/** One operation across a set of traces. */
export interface OperationStats extends OperationRef {
  /** 'gap' for time no span on the critical path covers (e.g. queue wait before a consumer). */
  kind: SpanKind | 'gap';
  criticalNanos: bigint;
  /** Traces in which the operation holds critical time. */
  criticalTraces: number;
  /** Every span of the operation (every gap, for a gap), on the critical path or not; durations are read on demand. */
  occurrences: Interval[];
}

/** One side of the comparison: the matching traces or the baseline. */
export interface TraceSetStats {
  traces: number;
  /** Trace durations (earliest start to latest end), in the order read. */
  durations: bigint[];
  /** Summed trace durations: the set's whole critical time. */
  criticalNanos: bigint;
  /** By operationKey. */
  operations: Map<string, OperationStats>;
}

export interface TraceSetAccumulator {
  /** Grows with every trace added. */
  stats: TraceSetStats;
  add(trace: TraceFacts): void;
}

export function p50DurationOf(stats: OperationStats): Nanos | null {
  return percentile(stats.occurrences.map(spanDuration), 0.5);
}

/** An operation's stats and the last trace that counted towards its criticalTraces. */
interface Slot {
  stats: OperationStats;
  lastTrace: number;
}

/** Critical time and occurrences per operation, one trace at a time, so a trace's tree can be dropped once read. */
export function traceSetAccumulator(): TraceSetAccumulator {
  const stats: TraceSetStats = { traces: 0, durations: [], criticalNanos: 0n, operations: new Map() };
  // Looked up per span: nested maps on the span's own strings, so no key string is built per span.
  const index = new Map<string, Map<string, Map<string, Slot>>>();
  const slotOf = (account: Span['account'], service: string, operation: string, peer: string | null, kind: OperationStats['kind']): Slot => {
    let byService = index.get(account.id);
    if (!byService) index.set(account.id, (byService = new Map()));
    let byName = byService.get(service);
    if (!byName) byService.set(service, (byName = new Map()));
    const name = peer === null ? operation : `${operation}\u0000${peer}`;
    let found = byName.get(name);
    if (!found) {
      found = { stats: { account, service, operation, peer, kind, criticalNanos: 0n, criticalTraces: 0, occurrences: [] }, lastTrace: -1 };
      byName.set(name, found);
      stats.operations.set(operationKey(found.stats), found.stats);
    }
    return found;
  };
  const spanSlot = (span: Span) => slotOf(span.account, span.resource.serviceName, span.name, peerOf(span), span.kind);

  const count = (slot: Slot, nanos: bigint, ordinal: number): void => {
    slot.stats.criticalNanos += nanos;
    if (slot.lastTrace !== ordinal) slot.stats.criticalTraces += 1;
    slot.lastTrace = ordinal;
  };

  const add = (trace: TraceFacts): void => {
    const ordinal = stats.traces++;
    stats.durations.push(trace.path.totalNanos);
    stats.criticalNanos += trace.path.totalNanos;
    for (const { span } of trace.spans) {
      const slot = spanSlot(span);
      slot.stats.occurrences.push(span);
      const critical = trace.path.nanosBySpan.get(span.spanId);
      if (critical !== undefined && critical > 0n) count(slot, critical, ordinal);
    }
    for (const segment of trace.path.segments) {
      if (segment.kind !== 'gap') continue;
      const { account, service, operation } = gapOperation(trace, segment);
      const slot = slotOf(account, service, operation, null, 'gap');
      slot.stats.occurrences.push({ startTimeUnixNano: segment.startNanos, endTimeUnixNano: segment.endNanos });
      count(slot, segment.endNanos - segment.startNanos, ordinal);
    }
  };
  return { stats, add };
}

/** A gap belongs to the span that waited for it: the one after it (a consumer after its queue). */
function gapOperation(trace: TraceFacts, gap: CriticalGapSegment): OperationRef {
  const next = spanById(trace, gap.beforeSpanId);
  if (next) return { ...operationOf(next), operation: `wait before ${next.name}`, peer: null };
  const previous = spanById(trace, gap.afterSpanId);
  if (previous) return { ...operationOf(previous), operation: `wait after ${previous.name}`, peer: null };
  return { account: { id: '', label: '' }, service: '', operation: 'uncovered time', peer: null };
}
