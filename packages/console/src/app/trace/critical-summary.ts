import type { WaterfallSpan } from './waterfall-model.ts';

export interface CriticalContributor {
  /** The span of the operation that held the most critical time: what selecting the entry opens. */
  index: number;
  serviceName: string;
  name: string;
  /** The operation's spans on the critical path: 3,200 calls of GET /item are one entry. */
  count: number;
  criticalNanos: number;
  /** Of the whole critical path (the trace end to end), 0–1. */
  share: number;
}

/**
 * Where the trace's time went: its operations (a service's spans of one name, in one account)
 * by their time on the critical path, most first. An operation called 3,200 times one after
 * another holds the trace as surely as one slow call, and is named once, with its count.
 */
export function topCriticalSpans(spans: readonly WaterfallSpan[], criticalPathNanos: number, limit: number): CriticalContributor[] {
  const byOperation = new Map<string, CriticalContributor & { largest: number }>();
  for (const span of spans) {
    if (span.criticalNanos <= 0) continue;
    const key = `${span.accountId}\u0000${span.serviceName}\u0000${span.name}`;
    const entry = byOperation.get(key);
    if (!entry) {
      byOperation.set(key, { index: span.index, serviceName: span.serviceName, name: span.name, count: 1, criticalNanos: span.criticalNanos, share: 0, largest: span.criticalNanos });
      continue;
    }
    entry.count += 1;
    entry.criticalNanos += span.criticalNanos;
    if (span.criticalNanos > entry.largest) {
      entry.largest = span.criticalNanos;
      entry.index = span.index;
    }
  }
  return [...byOperation.values()]
    .sort((a, b) => b.criticalNanos - a.criticalNanos || a.index - b.index)
    .slice(0, limit)
    .map(({ largest: _largest, ...entry }) => ({ ...entry, share: criticalPathNanos > 0 ? entry.criticalNanos / criticalPathNanos : 0 }));
}

/** A share as people read it: "92 %", "<1 %" for a sliver that is still there. */
export function formatShare(share: number): string {
  if (share > 0 && share < 0.005) return '<1 %';
  return `${Math.round(share * 100)} %`;
}
