import type { WaterfallSpan } from './waterfall-model.ts';

export interface CriticalContributor {
  index: number;
  serviceName: string;
  name: string;
  criticalNanos: number;
  /** Of the whole critical path (the trace end to end), 0–1. */
  share: number;
}

/** The spans holding the most critical-path time, most first: where the trace's time went. */
export function topCriticalSpans(spans: readonly WaterfallSpan[], criticalPathNanos: number, limit: number): CriticalContributor[] {
  const top: WaterfallSpan[] = [];
  for (const span of spans) {
    if (span.criticalNanos <= 0) continue;
    // Insert into a short sorted list: a 10,000-span trace is not sorted whole for three names.
    let at = top.length;
    while (at > 0 && top[at - 1]!.criticalNanos < span.criticalNanos) at--;
    if (at >= limit) continue;
    top.splice(at, 0, span);
    if (top.length > limit) top.pop();
  }
  return top.map((span) => ({
    index: span.index,
    serviceName: span.serviceName,
    name: span.name,
    criticalNanos: span.criticalNanos,
    share: criticalPathNanos > 0 ? span.criticalNanos / criticalPathNanos : 0,
  }));
}

/** A share as people read it: "92 %", "<1 %" for a sliver that is still there. */
export function formatShare(share: number): string {
  if (share > 0 && share < 0.005) return '<1 %';
  return `${Math.round(share * 100)} %`;
}
