import type { Finding, PatternDetector, Sighting } from './finding.ts';
import type { TraceFacts } from './trace-facts.ts';

export type Side = 'matches' | 'baseline';

/** A detector fed one trace at a time; the findings once every trace is read. */
export interface PatternRun {
  observe(side: Side, trace: TraceFacts): void;
  /** Every pattern seen in the matches, with its counts on both sides. */
  candidates(): Candidate[];
}

interface Seen<E> {
  sighting: Sighting<E>;
  traceId: string;
  /** Which trace of its side, to count each trace once. */
  ordinal: number;
}

/** A pattern counted in both sets, not yet judged: `finding` makes it a finding once it passes the test. */
export interface Candidate {
  matchCount: number;
  baselineCount: number;
  finding(pValue: number): Finding;
}

export function runPattern<E>(detector: PatternDetector<E>): PatternRun {
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
    candidates() {
      const accept = (seen: Seen<E>) => detector.accept?.(seen.sighting) ?? true;
      const candidates: Candidate[] = [];
      for (const [key, list] of log.matches) {
        const accepted = list.filter(accept);
        if (accepted.length === 0) continue;
        let worst = accepted[0]!;
        for (const seen of accepted) if (detector.worse(seen.sighting.evidence, worst.sighting.evidence)) worst = seen;
        const counts = { matchCount: traceCount(accepted), baselineCount: traceCount((log.baseline.get(key) ?? []).filter(accept)) };
        candidates.push({
          ...counts,
          finding: (pValue) => detector.finding({ ref: worst.sighting.ref, ...counts, pValue, exampleTraceId: worst.traceId, worst: worst.sighting.evidence }),
        });
      }
      return candidates;
    },
  };
}

/** Sightings come in trace order, so a trace's are next to each other. */
function traceCount(list: readonly Seen<unknown>[]): number {
  let count = 0;
  let last = -1;
  for (const { ordinal } of list) if (ordinal !== last) (count += 1), (last = ordinal);
  return count;
}
