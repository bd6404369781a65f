import { nanos, type Nanos, type SpanKind } from '@stitch/model';
import { formatDuration } from './format-duration.ts';
import { operationTitle, type OperationRef } from './operation.ts';
import { p50DurationOf, type OperationStats, type TraceSetStats } from './operation-stats.ts';

/** An operation ranked by the critical-path time it holds in the matching traces. */
export interface Contributor extends OperationRef {
  kind: SpanKind | 'gap';
  totalCriticalNanos: Nanos;
  /** Per matching trace, counting the traces it is absent from as zero. */
  meanCriticalNanos: Nanos;
  /** Of the matching traces' summed critical paths (their summed durations), 0..1. */
  share: number;
  /** Matching traces in which it holds critical time. */
  matchTraces: number;
  /** The same measure in the baseline: critical time per baseline trace (absent counting as zero). Null without baseline traces. */
  baselineMeanCriticalNanos: Nanos | null;
  /** meanCriticalNanos minus baselineMeanCriticalNanos: critical-path time against critical-path time. */
  changeNanos: Nanos | null;
  /** A different measure, shown apart: p50 of the operation's own span durations (gap lengths, for a gap), on the critical path or not. */
  matchSpanP50Nanos: Nanos | null;
  /** Null when the baseline never ran the operation. */
  baselineSpanP50Nanos: Nanos | null;
  /** The hop (`orders → payments`) when this is a call whose context was dropped: its time is the callee's, in other traces. */
  contextDroppedOn: string | null;
  /** `payments › POST → Stripe (api.stripe.com): 8.5 s of 9.2 s per matching trace on the critical path (12 of 12 traces); baseline 612 ms of 905 ms`. */
  headline: string;
}

/** The operations holding the most critical time in the matches, compared with the baseline. */
export function rankContributors(matches: TraceSetStats, baseline: TraceSetStats, top: number): Contributor[] {
  const ranked = [...matches.operations.entries()]
    .filter(([, stats]) => stats.criticalNanos > 0n)
    .sort(([keyA, a], [keyB, b]) => (a.criticalNanos !== b.criticalNanos ? (a.criticalNanos > b.criticalNanos ? -1 : 1) : keyA < keyB ? -1 : 1))
    .slice(0, Math.max(0, top));
  return ranked.map(([key, stats]) => contributorOf(stats, baseline.operations.get(key), matches, baseline));
}

function contributorOf(stats: OperationStats, inBaseline: OperationStats | undefined, matches: TraceSetStats, baseline: TraceSetStats): Contributor {
  const mean = nanos(stats.criticalNanos / BigInt(Math.max(1, matches.traces)));
  const baselineMean = baseline.traces > 0 ? nanos((inBaseline?.criticalNanos ?? 0n) / BigInt(baseline.traces)) : null;
  const meanTrace = matches.criticalNanos / BigInt(Math.max(1, matches.traces));
  const baselineMeanTrace = baseline.criticalNanos / BigInt(Math.max(1, baseline.traces));
  const versus = baselineMean === null ? 'no baseline traces' : `baseline ${formatDuration(baselineMean)} of ${formatDuration(baselineMeanTrace)}`;
  return {
    account: stats.account,
    service: stats.service,
    operation: stats.operation,
    peer: stats.peer,
    kind: stats.kind,
    totalCriticalNanos: nanos(stats.criticalNanos),
    meanCriticalNanos: mean,
    share: matches.criticalNanos > 0n ? Number(stats.criticalNanos) / Number(matches.criticalNanos) : 0,
    matchTraces: stats.criticalTraces,
    baselineMeanCriticalNanos: baselineMean,
    changeNanos: baselineMean === null ? null : nanos(mean - baselineMean),
    matchSpanP50Nanos: p50DurationOf(stats),
    baselineSpanP50Nanos: inBaseline ? p50DurationOf(inBaseline) : null,
    contextDroppedOn: null,
    headline: `${operationTitle(stats)}: ${formatDuration(mean)} of ${formatDuration(meanTrace)} per matching trace on the critical path (${stats.criticalTraces} of ${matches.traces} traces); ${versus}`,
  };
}
