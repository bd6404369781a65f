import type { SpanBatch } from '@stitch/model';

/** What one batch contributes to one trace's summary (a row of trace_parts). */
export interface TracePart {
  traceId: string;
  startNs: bigint;
  endNs: bigint;
  spanCount: number;
  hasError: boolean;
  services: string[];
  accounts: string[];
  root: { startNs: bigint; endNs: bigint; service: string; name: string } | null;
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
      part = { traceId, startNs: start, endNs: end, spanCount: 0, hasError: false, services: [], accounts: [], root: null, firstService: service, firstName: name, firstEndNs: end, serviceSet: new Set(), accountSet: new Set() };
      parts.set(traceId, part);
    }
    part.spanCount += 1;
    part.hasError ||= batch.hasError[i]!;
    part.serviceSet.add(service);
    part.accountSet.add(batch.accountId[i]!);
    if (start < part.startNs) {
      part.startNs = start;
      part.firstService = service;
      part.firstName = name;
      part.firstEndNs = end;
    }
    if (end > part.endNs) part.endNs = end;
    if (batch.parentSpanId[i] === null && (part.root === null || start < part.root.startNs)) part.root = { startNs: start, endNs: end, service, name };
  }
  return [...parts.values()].map(({ serviceSet, accountSet, ...part }) => ({ ...part, services: [...serviceSet].sort(), accounts: [...accountSet].sort() }));
}
