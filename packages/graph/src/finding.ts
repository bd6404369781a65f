import type { Nanos } from '@stitch/model';
import type { OperationRef } from './operation.ts';
import type { MapNodeRef } from './service-map/graph-record.ts';
import type { TraceSetStats } from './operation-stats.ts';
import type { TraceFacts } from './trace-facts.ts';

export interface FindingBase extends OperationRef {
  /** Matching traces that show the pattern. */
  matchCount: number;
  /** Baseline traces that show it too. */
  baselineCount: number;
  /**
   * One-sided Fisher exact test of "no more frequent in the matches than in the baseline"; a
   * finding is reported only when it is at most `significance` divided by the candidates tested.
   */
  pValue: number;
  /** The matching trace that shows it worst. */
  exampleTraceId: string;
  message: string;
}

/** Within one parent span, the same client call to the same peer again and again. */
export interface RetryStormFinding extends FindingBase {
  kind: 'retry-storm';
  /** The peer as the map labels it: `peer.service` with the host when both are set ("Stripe (api.stripe.com)"). */
  peer: string;
  maxAttempts: number;
}

/** A client call whose tail is far above its usual duration, and not cut short by an error. */
export interface NoTimeoutFinding extends FindingBase {
  kind: 'no-timeout';
  /** The peer called, labelled as the map labels it. */
  peer: string;
  maxNanos: Nanos;
  referenceP50Nanos: Nanos;
  /** Where the p50 comes from: the baseline, or the matches when the baseline never ran the call. */
  reference: 'baseline' | 'matches';
}

/** A leaf span doing nothing we can see for a large part of the critical path: a lock or a queue. */
export interface LockWaitFinding extends FindingBase {
  kind: 'lock-wait';
  maxCriticalNanos: Nanos;
  maxShare: number;
}

/** One span starting many children. */
export interface FanOutFinding extends FindingBase {
  kind: 'fan-out';
  maxChildren: number;
}

/**
 * Trace context dropped on a hop the matching traces take: the callee went on under traces of its
 * own, so the call's time cannot be broken down here. Reported whenever a matching trace shows it,
 * before anything else: findings and contributors about that call are its symptoms.
 */
export interface ContextDroppedFinding extends FindingBase {
  kind: 'context-dropped';
  /** `orders → payments`, with the map's labels. */
  hop: string;
  from: MapNodeRef;
  to: MapNodeRef;
}

export type Finding = ContextDroppedFinding | RetryStormFinding | NoTimeoutFinding | LockWaitFinding | FanOutFinding;
export type FindingKind = Finding['kind'];

export interface FindingThresholds {
  /** retry-storm: sibling client calls with one name and peer under one parent. */
  retryMinAttempts: number;
  /** no-timeout: the longest error-free call is at least this many times the reference p50 … */
  noTimeoutTailRatio: number;
  /** … and at least this long, so fast calls with a jittery p50 stay quiet. */
  noTimeoutMinTailNanos: bigint;
  /** lock-wait: the leaf's critical time as a share of its trace's critical path. */
  lockWaitMinShare: number;
  /** fan-out: children of one span. */
  fanOutMinChildren: number;
  /** Every pattern: at least this many matching traces show it … */
  minSupport: number;
  /**
   * … and a one-sided Fisher exact test says it is more frequent in the matches than in the
   * baseline at this family-wise significance (Bonferroni: divided by the patterns tested).
   */
  significance: number;
}

export const DEFAULT_THRESHOLDS: FindingThresholds = {
  retryMinAttempts: 3,
  noTimeoutTailRatio: 5,
  noTimeoutMinTailNanos: 100_000_000n,
  lockWaitMinShare: 0.3,
  fanOutMinChildren: 10,
  minSupport: 3,
  significance: 0.01,
};

/** What a detector may read besides the trace at hand. The sets fill while the traces are read: read them in accept, keep and finding, not in sight. */
export interface DetectionContext {
  thresholds: FindingThresholds;
  matches: TraceSetStats;
  baseline: TraceSetStats;
}

/** One trace showing a pattern for one operation; `key` groups sightings across traces. */
export interface Sighting<E> {
  key: string;
  ref: OperationRef;
  evidence: E;
}

/** A pattern's sightings, counted in the matches and in the baseline. */
export interface PatternTally<E> {
  ref: OperationRef;
  matchCount: number;
  baselineCount: number;
  pValue: number;
  exampleTraceId: string;
  /** The worst evidence in the matches. */
  worst: E;
}

export interface PatternDetector<E> {
  /** Called once per trace, while the trace sets are still being read. */
  sight(trace: TraceFacts): Sighting<E>[];
  /** Judged once both sets are read (against a percentile of them, say); by default every sighting counts. */
  accept?(sighting: Sighting<E>): boolean;
  worse(a: E, b: E): boolean;
  finding(tally: PatternTally<E>): Finding;
}

/** The fields every finding shares, from a tally and its message. */
export function findingBase(tally: Omit<PatternTally<unknown>, 'worst'>, message: string): FindingBase {
  const { ref, matchCount, baselineCount, pValue, exampleTraceId } = tally;
  return { account: ref.account, service: ref.service, operation: ref.operation, peer: ref.peer, matchCount, baselineCount, pValue, exampleTraceId, message };
}

/** `in 12 of 12 matching traces (0 of 400 baseline, p < 0.001)`. */
export function seenIn(tally: Pick<PatternTally<unknown>, 'matchCount' | 'baselineCount' | 'pValue'>, context: DetectionContext): string {
  return `in ${tally.matchCount} of ${context.matches.traces} matching traces (${tally.baselineCount} of ${context.baseline.traces} baseline, ${formatPValue(tally.pValue)})`;
}

export const formatPValue = (p: number): string => (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);
