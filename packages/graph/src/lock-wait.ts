import type { Nanos, SpanKind } from '@stitch/model';
import { findingBase, seenIn, type DetectionContext, type PatternDetector, type Sighting } from './finding.ts';
import { formatDuration } from './format-duration.ts';
import { operationKey, operationOf, operationTitle } from './operation.ts';

interface Wait {
  criticalNanos: Nanos;
  share: number;
}

// Client and producer leaves wait on something outside the trace: no-timeout covers those.
const WAITING_KINDS: ReadonlySet<SpanKind> = new Set(['internal', 'server', 'consumer']);

/** Leaf spans (below a parent, with no children) holding at least `lockWaitMinShare` of their trace's critical path. */
export function lockWaitDetector(context: DetectionContext): PatternDetector<Wait> {
  const { lockWaitMinShare } = context.thresholds;
  return {
    sight(trace) {
      const total = Number(trace.path.totalNanos);
      const sightings: Sighting<Wait>[] = [];
      if (total === 0) return sightings;
      for (const { span, depth, childSpanIds } of trace.spans) {
        // A root alone is the whole request, not a wait inside one.
        if (depth === 0 || childSpanIds.length > 0 || !WAITING_KINDS.has(span.kind)) continue;
        const criticalNanos = trace.path.nanosBySpan.get(span.spanId);
        if (criticalNanos === undefined) continue;
        const share = Number(criticalNanos) / total;
        const ref = operationOf(span);
        if (share >= lockWaitMinShare) sightings.push({ key: operationKey(ref), ref, evidence: { criticalNanos, share } });
      }
      return sightings;
    },
    worse: (a, b) => a.share > b.share,
    finding: (tally) => ({
      kind: 'lock-wait',
      ...findingBase(
        tally,
        `${operationTitle(tally.ref)} holds up to ${formatDuration(tally.worst.criticalNanos)} (${Math.round(tally.worst.share * 100)}% of the critical path) in a span with no children ${seenIn(tally, context)}: a lock or queue wait, or uninstrumented work`,
      ),
      maxCriticalNanos: tally.worst.criticalNanos,
      maxShare: tally.worst.share,
    }),
  };
}
