import type { BreakInTraces } from './call-survey.ts';
import { fisherOneSided } from './fisher-exact.ts';
import { findingBase, seenIn, type ContextDroppedFinding, type DetectionContext } from './finding.ts';
import { formatDuration } from './format-duration.ts';
import { operationOf, operationTitle, type OperationRef } from './operation.ts';
import { spanDuration } from '@stitch/model';

/** A known break the matching traces show, as the finding that leads the diagnosis. */
export function contextDroppedFinding(located: BreakInTraces, matchTraceIds: readonly string[], baselineCount: number, context: DetectionContext): ContextDroppedFinding {
  const { hop, exampleCall } = located;
  const ref: OperationRef = exampleCall
    ? operationOf(exampleCall)
    : { account: { id: hop.from.account, label: hop.from.accountLabel }, service: hop.from.service, operation: '', peer: hop.to.label };
  const tally = {
    ref,
    matchCount: matchTraceIds.length,
    baselineCount,
    pValue: fisherOneSided(matchTraceIds.length, context.matches.traces, baselineCount, context.baseline.traces),
    exampleTraceId: exampleCall && matchTraceIds.includes(exampleCall.traceId) ? exampleCall.traceId : matchTraceIds[0]!,
  };
  const name = `${hop.from.label} → ${hop.to.label}`;
  const call = exampleCall ? `${operationTitle(ref)} (${formatDuration(spanDuration(exampleCall))} in one of them)` : `calls from ${hop.from.label}`;
  const what =
    located.callsBeganTraces.length > 0
      ? `${hop.from.label} lost the context of the request it served before its calls ${operationTitle(ref)}: they began traces of their own, so this diagnosis cannot see them`
      : `${call} went on in ${hop.to.label} under other traces, so this diagnosis cannot see inside it`;
  return {
    kind: 'context-dropped',
    ...findingBase(tally, `trace context dropped on ${name} ${seenIn(tally, context)}: ${what}; fix the propagation on this hop first`),
    hop: name,
    from: hop.from,
    to: hop.to,
  };
}
