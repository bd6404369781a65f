import { isErrorSpan, spanDuration, type Nanos } from '@stitch/model';
import { findingBase, seenIn, type DetectionContext, type PatternDetector, type Sighting } from './finding.ts';
import { formatDuration } from './format-duration.ts';
import { operationKey, operationOf, operationTitle } from './operation.ts';
import { p50DurationOf } from './operation-stats.ts';

interface Reference {
  p50: Nanos;
  from: 'baseline' | 'matches';
}

/**
 * Client calls that ran at least `noTimeoutTailRatio` times their reference p50 (the baseline's,
 * else the matches' own) without ending in an error: nothing cut them short.
 */
export function noTimeoutDetector(context: DetectionContext): PatternDetector<bigint> {
  const { noTimeoutTailRatio, noTimeoutMinTailNanos } = context.thresholds;
  const references = new Map<string, Reference | null>();
  const referenceOf = (key: string): Reference | null => {
    if (!references.has(key)) {
      const inBaseline = context.baseline.operations.get(key);
      const stats = inBaseline ?? context.matches.operations.get(key);
      const p50 = stats ? p50DurationOf(stats) : null;
      references.set(key, p50 === null ? null : { p50, from: inBaseline ? 'baseline' : 'matches' });
    }
    return references.get(key)!;
  };
  return {
    sight(trace) {
      const sightings: Sighting<bigint>[] = [];
      for (const { span, selfTimeNanos } of trace.spans) {
        if (span.kind !== 'client' || isErrorSpan(span)) continue;
        const duration = spanDuration(span);
        // Only a call's own wait: when an instrumented callee explains the time, the callee is the finding.
        if (duration < noTimeoutMinTailNanos || selfTimeNanos * 2n < duration) continue;
        const ref = operationOf(span);
        sightings.push({ key: operationKey(ref), ref, evidence: duration });
      }
      return sightings;
    },
    // The reference p50 needs both trace sets, so the tail is judged once they are read.
    accept(sighting) {
      const reference = referenceOf(sighting.key);
      return reference !== null && Number(sighting.evidence) >= noTimeoutTailRatio * Number(reference.p50);
    },
    worse: (a, b) => a > b,
    finding(tally) {
      const reference = referenceOf(operationKey(tally.ref))!;
      const versus = `${reference.from === 'baseline' ? 'baseline' : 'matching'} p50 ${formatDuration(reference.p50)}`;
      return {
        kind: 'no-timeout',
        ...findingBase(tally, `client calls ${operationTitle(tally.ref)} have no timeout shorter than the observed tail: up to ${formatDuration(tally.worst)}, ${versus}, ${seenIn(tally, context)}`),
        peer: tally.ref.peer ?? tally.ref.operation,
        maxNanos: tally.worst as Nanos,
        referenceP50Nanos: reference.p50,
        reference: reference.from,
      };
    },
  };
}
