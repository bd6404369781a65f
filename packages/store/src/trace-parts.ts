import { outcomeOf, type SpanBatch, type SpanOutcome } from '@stitch/model';

/** What one batch contributes to one trace's summary (a row of trace_parts). */
export interface TracePart {
  traceId: string;
  startNs: bigint;
  endNs: bigint;
  spanCount: number;
  hasError: boolean;
  /** Spans whose outcome is error or fault (a trace's "contains N errors" sums them). */
  errorSpanCount: number;
  services: string[];
  accounts: string[];
  /** The earliest parentless span; its outcome is the trace's status when it is the trace's root. */
  root: { startNs: bigint; endNs: bigint; service: string; name: string; outcome: SpanOutcome } | null;
  firstService: string;
  firstName: string;
  firstEndNs: bigint;
}

/** Groups a batch by trace. Pure, so the summary rules are tested without a database. */
export function tracePartsOf(batch: SpanBatch): TracePart[] {
  const parts = new Map<string, TracePart & { serviceSet: Set<string>; accountSet: Set<string> }>();
  for (let i = 0; i < batch.length; i++) {
    const traceId = batch.traceId[i]!;
    const start = batch.startNs[i]!;
    const end = batch.endNs[i]!;
    const service = batch.serviceName[i]!;
    const name = batch.name[i]!;
    let part = parts.get(traceId);
    if (!part) {
      part = { traceId, startNs: start, endNs: end, spanCount: 0, hasError: false, errorSpanCount: 0, services: [], accounts: [], root: null, firstService: service, firstName: name, firstEndNs: end, serviceSet: new Set(), accountSet: new Set() };
      parts.set(traceId, part);
    }
    part.spanCount += 1;
    part.hasError ||= batch.hasError[i]!;
    const outcome = outcomeOf(batch.httpStatus[i]!, batch.statusCode[i]!);
    if (outcome !== 'ok') part.errorSpanCount += 1;
    part.serviceSet.add(service);
    part.accountSet.add(batch.accountId[i]!);
    if (start < part.startNs) {
      part.startNs = start;
      part.firstService = service;
      part.firstName = name;
      part.firstEndNs = end;
    }
    if (end > part.endNs) part.endNs = end;
    if (batch.parentSpanId[i] === null && (part.root === null || start < part.root.startNs)) part.root = { startNs: start, endNs: end, service, name, outcome };
  }
  return [...parts.values()].map(({ serviceSet, accountSet, ...part }) => ({ ...part, services: [...serviceSet].sort(), accounts: [...accountSet].sort() }));
}
