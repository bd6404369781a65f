import type { Nanos, Span } from '@stitch/model';
import { rankContributors, type Contributor } from './contributors.ts';
import { runPattern } from './detect-pattern.ts';
import { fanOutDetector } from './fan-out.ts';
import { DEFAULT_THRESHOLDS, type DetectionContext, type Finding, type FindingKind, type FindingThresholds } from './finding.ts';
import { lockWaitDetector } from './lock-wait.ts';
import { noTimeoutDetector } from './no-timeout.ts';
import { operationTitle } from './operation.ts';
import { traceSetAccumulator, type TraceSetStats } from './operation-stats.ts';
import { byValue, percentileOfSorted } from './percentile.ts';
import { retryStormDetector } from './retry-storm.ts';
import { traceFactsOf } from './trace-facts.ts';

export interface DiagnosisInput {
  /** The traces matching the user's filter (the slow ones, say), each as its spans. */
  matches: ReadonlyArray<readonly Span[]>;
  /** The other traces of the same time window. */
  baseline: ReadonlyArray<readonly Span[]>;
}

export interface DiagnoseOptions {
  /** How many contributors to report; 5 by default. */
  top?: number;
  thresholds?: Partial<FindingThresholds>;
}

/** Traces compared (empty traces are left out) and their durations, earliest start to latest end. */
export interface DiagnosisCounts {
  matches: number;
  baseline: number;
  matchP50Nanos: Nanos | null;
  matchP99Nanos: Nanos | null;
  baselineP50Nanos: Nanos | null;
  baselineP99Nanos: Nanos | null;
}

/** Times are Nanos (bigint) like the rest of the model; diagnosisToJson turns them into strings. */
export interface Diagnosis {
  counts: DiagnosisCounts;
  /** By critical time in the matches, most first. */
  contributors: Contributor[];
  /** By how many matching traces show them, most first. */
  findings: Finding[];
}

/** Why the matching traces are slow: who holds their critical path, and which known patterns they show more than the baseline. */
export function diagnose(input: DiagnosisInput, options: DiagnoseOptions = {}): Diagnosis {
  const sides = { matches: traceSetAccumulator(), baseline: traceSetAccumulator() };
  const context: DetectionContext = {
    thresholds: { ...DEFAULT_THRESHOLDS, ...options.thresholds },
    matches: sides.matches.stats,
    baseline: sides.baseline.stats,
  };
  const patterns = [
    runPattern(retryStormDetector(context), context),
    runPattern(noTimeoutDetector(context), context),
    runPattern(lockWaitDetector(context), context),
    runPattern(fanOutDetector(context), context),
  ];
  // One trace at a time: its tree and critical path are garbage once read, so only the aggregates stay.
  for (const side of ['matches', 'baseline'] as const) {
    for (const spans of input[side]) {
      if (spans.length === 0) continue;
      const trace = traceFactsOf(spans);
      sides[side].add(trace);
      for (const pattern of patterns) pattern.observe(side, trace);
    }
  }
  return {
    counts: countsOf(context.matches, context.baseline),
    contributors: rankContributors(context.matches, context.baseline, options.top ?? 5),
    findings: patterns.flatMap((pattern) => pattern.findings()).sort(byPrevalence(context)),
  };
}

function countsOf(matches: TraceSetStats, baseline: TraceSetStats): DiagnosisCounts {
  const sortedMatches = [...matches.durations].sort(byValue);
  const sortedBaseline = [...baseline.durations].sort(byValue);
  return {
    matches: matches.traces,
    baseline: baseline.traces,
    matchP50Nanos: percentileOfSorted(sortedMatches, 0.5),
    matchP99Nanos: percentileOfSorted(sortedMatches, 0.99),
    baselineP50Nanos: percentileOfSorted(sortedBaseline, 0.5),
    baselineP99Nanos: percentileOfSorted(sortedBaseline, 0.99),
  };
}

const KIND_ORDER: readonly FindingKind[] = ['retry-storm', 'lock-wait', 'no-timeout', 'fan-out'];

/** Most matching traces first; then the rarer in the baseline; then a fixed order, so output is stable. */
function byPrevalence(context: DetectionContext): (a: Finding, b: Finding) => number {
  const baselineShare = (finding: Finding) => finding.baselineCount / Math.max(1, context.baseline.traces);
  return (a, b) =>
    b.matchCount - a.matchCount ||
    baselineShare(a) - baselineShare(b) ||
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
    operationTitle(a).localeCompare(operationTitle(b));
}
