import { findingBase, seenIn, type DetectionContext, type PatternDetector, type Sighting } from './finding.ts';
import { operationKey, operationOf, operationTitle } from './operation.ts';

/** Spans with at least `fanOutMinChildren` children in one trace. */
export function fanOutDetector(context: DetectionContext): PatternDetector<number> {
  const { fanOutMinChildren } = context.thresholds;
  return {
    sight(trace) {
      const sightings: Sighting<number>[] = [];
      for (const { span, childSpanIds } of trace.spans) {
        if (childSpanIds.length < fanOutMinChildren) continue;
        const ref = operationOf(span);
        sightings.push({ key: operationKey(ref), ref, evidence: childSpanIds.length });
      }
      return sightings;
    },
    worse: (a, b) => a > b,
    finding: (tally) => ({
      kind: 'fan-out',
      ...findingBase(tally, `${operationTitle(tally.ref)} fans out to up to ${tally.worst} child spans ${seenIn(tally, context)}`),
      maxChildren: tally.worst,
    }),
  };
}
