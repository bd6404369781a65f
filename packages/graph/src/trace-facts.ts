import { buildTraceTree, criticalPathOfTree, type CriticalPath, type Span, type TreeSpan } from '@stitch/model';

/** What the diagnosis reads of one trace, worked out once: the tree and its critical path. */
export interface TraceFacts {
  traceId: string;
  /** Depth-first (each span followed by its subtree), duplicates dropped. */
  spans: TreeSpan[];
  path: CriticalPath;
}

export function traceFactsOf(spans: readonly Span[]): TraceFacts {
  const tree = buildTraceTree(spans);
  return { traceId: spans[0]?.traceId ?? '', spans: tree.spans, path: criticalPathOfTree(tree) };
}

/** The direct children of trace.spans[index]: the spans one level deeper, up to the end of its subtree. */
export function childrenAt(trace: TraceFacts, index: number): TreeSpan[] {
  const depth = trace.spans[index]!.depth;
  const kids: TreeSpan[] = [];
  for (let i = index + 1; i < trace.spans.length && trace.spans[i]!.depth > depth; i++) {
    if (trace.spans[i]!.depth === depth + 1) kids.push(trace.spans[i]!);
  }
  return kids;
}

/** A span of the trace by id; a scan, for the few lookups that need one. */
export function spanById(trace: TraceFacts, spanId: string | null): Span | undefined {
  return spanId === null ? undefined : trace.spans.find((node) => node.span.spanId === spanId)?.span;
}
