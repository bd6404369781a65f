import type { DetectionContext, Finding, PatternDetector, PatternTally, Sighting } from './finding.ts';
import type { TraceFacts } from './trace-facts.ts';

export type Side = 'matches' | 'baseline';

/** A detector fed one trace at a time; the findings once every trace is read. */
export interface PatternRun {
  observe(side: Side, trace: TraceFacts): void;
  findings(): Finding[];
}

interface Seen<E> {
  sighting: Sighting<E>;
  traceId: string;
  /** Which trace of its side, to count each trace once. */
  ordinal: number;
}

export function runPattern<E>(detector: PatternDetector<E>, context: DetectionContext): PatternRun {
  const log: Record<Side, Map<string, Seen<E>[]>> = { matches: new Map(), baseline: new Map() };
  const ordinals: Record<Side, number> = { matches: 0, baseline: 0 };
  return {
    observe(side, trace) {
      const ordinal = ordinals[side]++;
      for (const sighting of detector.sight(trace)) {
        const list = log[side].get(sighting.key);
        const seen = { sighting, traceId: trace.traceId, ordinal };
        if (list) list.push(seen);
        else log[side].set(sighting.key, [seen]);
      }
    },
    findings() {
      const accept = (seen: Seen<E>) => detector.accept?.(seen.sighting) ?? true;
      const keep = detector.keep ?? ((tally: PatternTally<E>) => standsOut(tally, context));
      const findings: Finding[] = [];
      for (const [key, list] of log.matches) {
        const accepted = list.filter(accept);
        if (accepted.length === 0) continue;
        let worst = accepted[0]!;
        for (const seen of accepted) if (detector.worse(seen.sighting.evidence, worst.sighting.evidence)) worst = seen;
        const tally: PatternTally<E> = {
          ref: worst.sighting.ref,
          matchCount: traceCount(accepted),
          baselineCount: traceCount((log.baseline.get(key) ?? []).filter(accept)),
          exampleTraceId: worst.traceId,
          worst: worst.sighting.evidence,
        };
        if (keep(tally)) findings.push(detector.finding(tally));
      }
      return findings;
    },
  };
}

/** Clearly more frequent in the matches: shown by enough of them, and by a larger share than the baseline's. */
export function standsOut(tally: Pick<PatternTally<unknown>, 'matchCount' | 'baselineCount'>, context: DetectionContext): boolean {
  const { minMatchShare, minLift } = context.thresholds;
  const matchShare = tally.matchCount / Math.max(1, context.matches.traces);
  const baselineShare = context.baseline.traces > 0 ? tally.baselineCount / context.baseline.traces : 0;
  return tally.matchCount > 0 && matchShare >= minMatchShare && matchShare >= minLift * baselineShare;
}

/** Sightings come in trace order, so a trace's are next to each other. */
function traceCount(list: readonly Seen<unknown>[]): number {
  let count = 0;
  let last = -1;
  for (const { ordinal } of list) if (ordinal !== last) (count += 1), (last = ordinal);
  return count;
}
