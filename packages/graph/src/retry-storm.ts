import type { Span } from '@stitch/model';
import { findingBase, seenIn, type DetectionContext, type PatternDetector, type Sighting } from './finding.ts';
import { operationKey, operationOf, operationTitle } from './operation.ts';
import { childrenAt } from './trace-facts.ts';

interface Retries {
  attempts: number;
  peer: string;
}

/** Under one parent, at least `retryMinAttempts` client calls with the same name to the same peer (named as the map names it). */
export function retryStormDetector(context: DetectionContext): PatternDetector<Retries> {
  const { retryMinAttempts } = context.thresholds;
  return {
    sight(trace) {
      const sightings: Sighting<Retries>[] = [];
      trace.spans.forEach((parent, index) => {
        if (parent.childSpanIds.length < retryMinAttempts) return;
        const calls = new Map<string, { first: Span; peer: string; attempts: number }>();
        for (const { span: kid } of childrenAt(trace, index)) {
          if (kid.kind !== 'client') continue;
          const ref = operationOf(kid);
          const peer = ref.peer ?? kid.name;
          const key = operationKey(ref);
          const call = calls.get(key);
          if (call) call.attempts += 1;
          else calls.set(key, { first: kid, peer, attempts: 1 });
        }
        for (const [key, { first, peer, attempts }] of calls) {
          if (attempts >= retryMinAttempts) sightings.push({ key, ref: operationOf(first), evidence: { attempts, peer } });
        }
      });
      return sightings;
    },
    worse: (a, b) => a.attempts > b.attempts,
    finding: (tally) => ({
      kind: 'retry-storm',
      // The title names the peer when the call's attributes do; else the peer is the call's own name.
      ...findingBase(tally, `${operationTitle(tally.ref)}: up to ${tally.worst.attempts} calls under one parent span ${seenIn(tally, context)}: a retry storm`),
      peer: tally.worst.peer,
      maxAttempts: tally.worst.attempts,
    }),
  };
}
