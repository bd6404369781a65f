import type { Nanos, Span } from '@stitch/model';
import { breaksIn, breaksSeenIn, incompletenessOf, locateBreaks, mergeBreaks, surveyCalls, type BreakInTraces, type KnownBreak } from './call-survey.ts';
import { contextDroppedFinding } from './context-dropped.ts';
import { rankContributors, type Contributor } from './contributors.ts';
import { runPattern, type Candidate } from './detect-pattern.ts';
import { fanOutDetector } from './fan-out.ts';
import { fisherOneSided } from './fisher-exact.ts';
import { DEFAULT_THRESHOLDS, type DetectionContext, type Finding, type FindingKind, type FindingThresholds } from './finding.ts';
import { lockWaitDetector } from './lock-wait.ts';
import { noTimeoutDetector } from './no-timeout.ts';
import { operationKey, operationTitle } from './operation.ts';
import { traceSetAccumulator, type TraceSetStats } from './operation-stats.ts';
import { byValue, percentileOfSorted } from './percentile.ts';
import { retryStormDetector } from './retry-storm.ts';
import { traceFactsOf } from './trace-facts.ts';

export interface DiagnosisInput {
  /** The traces matching the user's filter (the slow ones, say), each as its spans. */
  matches: ReadonlyArray<readonly Span[]>;
  /** The other traces of the same time window. */
  baseline: ReadonlyArray<readonly Span[]>;
  /** Hops on which the propagation report saw context dropped in the window (`knownBreaksOf(map)`). */
  breaks?: readonly KnownBreak[];
  /** The time of asking: a trace without its root whose last span ended less than `settleNanos` before it may still be arriving. */
  nowNanos?: bigint;
}

export interface DiagnoseOptions {
  /** How many contributors to report; 5 by default. */
  top?: number;
  thresholds?: Partial<FindingThresholds>;
  /** How long after its last span a trace without its root is taken as complete (its caller reports no spans), when `nowNanos` is given; 30 s by default. */
  settleNanos?: bigint;
}

/** Traces compared (empty and incomplete traces are left out) and their durations, earliest start to latest end. */
export interface DiagnosisCounts {
  matches: number;
  baseline: number;
  /** Matching traces left out because spans may still be missing (see `incompletenessOf`). */
  incompleteMatches: number;
  /** Baseline traces left out for the same reason. */
  incompleteBaseline: number;
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
  /** Context dropped on a hop of the matching traces first; then by how many matching traces show them, most first. */
  findings: Finding[];
}

export const DEFAULT_SETTLE_NANOS = 30_000_000_000n;

/**
 * Why the matching traces are slow: who holds their critical path, and which known patterns they
 * show significantly more than the baseline. Traces that may still be missing spans are counted,
 * not compared; a hop that dropped the trace context in the matches leads the findings.
 */
export function diagnose(input: DiagnosisInput, options: DiagnoseOptions = {}): Diagnosis {
  const thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const all = [...input.matches, ...input.baseline];
  const survey = surveyCalls(all);
  const breaks = locateBreaks(survey, mergeBreaks(input.breaks ?? [], breaksSeenIn(survey)));
  const recency = input.nowNanos === undefined ? null : { nowNanos: input.nowNanos, settleNanos: options.settleNanos ?? DEFAULT_SETTLE_NANOS };

  const sides = { matches: traceSetAccumulator(), baseline: traceSetAccumulator() };
  const context: DetectionContext = { thresholds, matches: sides.matches.stats, baseline: sides.baseline.stats };
  const patterns = [runPattern(retryStormDetector(context)), runPattern(noTimeoutDetector(context)), runPattern(lockWaitDetector(context)), runPattern(fanOutDetector(context))];
  const incomplete = { matches: 0, baseline: 0 };
  const breakTraces = new Map<BreakInTraces, { matches: string[]; baseline: number }>(breaks.map((b) => [b, { matches: [], baseline: 0 }]));
  // One trace at a time: its tree and critical path are garbage once read, so only the aggregates stay.
  all.forEach((spans, index) => {
    const side = index < input.matches.length ? 'matches' : 'baseline';
    const surveyed = survey.traces[index];
    if (!surveyed) return;
    if (incompletenessOf(surveyed, survey, breaks, recency) !== null) {
      incomplete[side] += 1;
      return;
    }
    for (const b of breaksIn(surveyed, breaks)) {
      const seen = breakTraces.get(b)!;
      if (side === 'matches') seen.matches.push(surveyed.traceId);
      else seen.baseline += 1;
    }
    const trace = traceFactsOf(spans);
    sides[side].add(trace);
    for (const pattern of patterns) pattern.observe(side, trace);
  });

  const dropped = breaks.flatMap((b) => {
    const seen = breakTraces.get(b)!;
    if (seen.matches.length === 0) return [];
    const finding = contextDroppedFinding(b, seen.matches, seen.baseline, context);
    return leadsTheDiagnosis(finding, context) ? [finding] : [];
  });
  // A call whose callee went on under another trace is the break's symptom, not a finding of its own.
  const symptoms = new Set(dropped.map((finding) => operationKey(finding)));
  const findings = significant(
    patterns.flatMap((pattern) => pattern.candidates()),
    context,
  ).filter((finding) => !symptoms.has(operationKey(finding)));
  const hopOf = new Map(dropped.map((finding) => [operationKey(finding), finding.hop]));
  const contributors = rankContributors(context.matches, context.baseline, options.top ?? 5).map((c) => ({ ...c, contextDroppedOn: hopOf.get(operationKey(c)) ?? null }));
  return {
    counts: countsOf(context.matches, context.baseline, incomplete),
    contributors,
    findings: [...dropped, ...findings.sort(byPrevalence(context))],
  };
}

/**
 * The candidates seen in at least `minSupport` matching traces whose one-sided Fisher exact
 * p-value is at most `significance` divided by how many such candidates were tested (Bonferroni),
 * so the chance of any finding on matches no different from the baseline stays under `significance`.
 * Without baseline traces nothing can be shown to stand out: no finding.
 */
function significant(candidates: readonly Candidate[], context: DetectionContext): Finding[] {
  const { minSupport, significance } = context.thresholds;
  if (context.baseline.traces === 0) return [];
  const tested = candidates.filter((candidate) => candidate.matchCount >= minSupport);
  return tested.flatMap((candidate) => {
    const pValue = fisherOneSided(candidate.matchCount, context.matches.traces, candidate.baselineCount, context.baseline.traces);
    return pValue <= significance / tested.length ? [candidate.finding(pValue)] : [];
  });
}

/**
 * A break in the matches leads when it explains them: it is more frequent there than in the
 * baseline by the findings' own test (support and one-sided Fisher), or it is a blind spot, in
 * most matching traces on a call holding BLIND_SPOT_SHARE or more of their critical path (a hop
 * dropping context everywhere is as frequent in the baseline, yet it hides where the time goes).
 * A break that merely happens in a few matches, as often as elsewhere, is the map's to report.
 */
function leadsTheDiagnosis(finding: Finding, context: DetectionContext): boolean {
  const { minSupport, significance } = context.thresholds;
  if (finding.matchCount >= minSupport && context.baseline.traces > 0 && finding.pValue <= significance) return true;
  const held = context.matches.operations.get(operationKey(finding))?.criticalNanos ?? 0n;
  const share = context.matches.criticalNanos > 0n ? Number(held) / Number(context.matches.criticalNanos) : 0;
  return finding.matchCount * 2 >= context.matches.traces && share >= BLIND_SPOT_SHARE;
}

const BLIND_SPOT_SHARE = 0.2;

function countsOf(matches: TraceSetStats, baseline: TraceSetStats, incomplete: { matches: number; baseline: number }): DiagnosisCounts {
  const sortedMatches = [...matches.durations].sort(byValue);
  const sortedBaseline = [...baseline.durations].sort(byValue);
  return {
    matches: matches.traces,
    baseline: baseline.traces,
    incompleteMatches: incomplete.matches,
    incompleteBaseline: incomplete.baseline,
    matchP50Nanos: percentileOfSorted(sortedMatches, 0.5),
    matchP99Nanos: percentileOfSorted(sortedMatches, 0.99),
    baselineP50Nanos: percentileOfSorted(sortedBaseline, 0.5),
    baselineP99Nanos: percentileOfSorted(sortedBaseline, 0.99),
  };
}

const KIND_ORDER: readonly FindingKind[] = ['context-dropped', 'retry-storm', 'lock-wait', 'no-timeout', 'fan-out'];

/**
 * Most matching traces first; then by kind, the more explaining first (a retry storm's attempts are
 * also calls that ran long: the storm is the cause); then the rarer in the baseline; then by name, so output is stable.
 */
function byPrevalence(context: DetectionContext): (a: Finding, b: Finding) => number {
  const baselineShare = (finding: Finding) => finding.baselineCount / Math.max(1, context.baseline.traces);
  return (a, b) =>
    b.matchCount - a.matchCount ||
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
    baselineShare(a) - baselineShare(b) ||
    operationTitle(a).localeCompare(operationTitle(b));
}
