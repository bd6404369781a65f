import type { Nanos } from '@stitch/model';
import type { OperationRef } from './operation.ts';
import type { TraceSetStats } from './operation-stats.ts';
import type { TraceFacts } from './trace-facts.ts';

interface FindingBase extends OperationRef {
  /** Matching traces that show the pattern. */
  matchCount: number;
  /** Baseline traces that show it too. */
  baselineCount: number;
  /** The matching trace that shows it worst. */
  exampleTraceId: string;
  message: string;
}

/** Within one parent span, the same client call to the same peer again and again. */
export interface RetryStormFinding extends FindingBase {
  kind: 'retry-storm';
  peer: string;
  maxAttempts: number;
}

/** A client call whose tail is far above its usual duration, and not cut short by an error. */
export interface NoTimeoutFinding extends FindingBase {
  kind: 'no-timeout';
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

export type Finding = RetryStormFinding | NoTimeoutFinding | LockWaitFinding | FanOutFinding;
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
  /** retry-storm, lock-wait, fan-out: at least this share of the matching traces shows the pattern … */
  minMatchShare: number;
  /** … and that share is at least this many times the baseline's share. */
  minLift: number;
}

export const DEFAULT_THRESHOLDS: FindingThresholds = {
  retryMinAttempts: 3,
  noTimeoutTailRatio: 5,
  noTimeoutMinTailNanos: 100_000_000n,
  lockWaitMinShare: 0.3,
  fanOutMinChildren: 10,
  minMatchShare: 0.1,
  minLift: 2,
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
  /** Whether the counts make a finding; by default the pattern must stand out against the baseline. */
  keep?(tally: PatternTally<E>): boolean;
  finding(tally: PatternTally<E>): Finding;
}

/** The fields every finding shares, from a tally and its message. */
export function findingBase(tally: PatternTally<unknown>, message: string): FindingBase {
  const { ref, matchCount, baselineCount, exampleTraceId } = tally;
  return { account: ref.account, service: ref.service, operation: ref.operation, matchCount, baselineCount, exampleTraceId, message };
}

/** `in 12 of 12 matching traces (0 of 400 baseline)`. */
export function seenIn(tally: Pick<PatternTally<unknown>, 'matchCount' | 'baselineCount'>, context: DetectionContext): string {
  const baseline = context.baseline.traces > 0 ? ` (${tally.baselineCount} of ${context.baseline.traces} baseline)` : '';
  return `in ${tally.matchCount} of ${context.matches.traces} matching traces${baseline}`;
}
