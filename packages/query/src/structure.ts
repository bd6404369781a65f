import type { SpanSource, StructuralOp } from './ast.ts';

/** One `{ }` of a chain. */
export type SpanSet = SpanSource & { kind: 'spans' };

/** The span sets of a chain, left to right. */
export function spanSetsOf(source: SpanSource): SpanSet[] {
  return source.kind === 'spans' ? [source] : [...spanSetsOf(source.left), ...spanSetsOf(source.right)];
}

/** What a structural relation reads of a span: its id and its parent's, as sent. */
export interface Linked {
  spanId: string;
  parentSpanId: string | null;
}

/**
 * The spans of one trace that `source` selects (ast.ts), by the relations of TraceQL's structural
 * operators. `meets(set, span)` says whether a span is in one of the chain's span sets. Pure and
 * shared: the reference evaluator runs it on spans, a store on the ids and flags it read.
 */
export function selectSpans<T extends Linked>(source: SpanSource, spans: readonly T[], meets: (set: SpanSet, span: T) => boolean): Set<T> {
  if (source.kind === 'spans') return new Set(spans.filter((span) => meets(source, span)));
  const left = selectSpans(source.left, spans, meets);
  const right = selectSpans(source.right, spans, meets);
  return relate(source.op, left, right, new TraceLinks(spans));
}

function relate<T extends Linked>(op: StructuralOp, left: Set<T>, right: Set<T>, links: TraceLinks<T>): Set<T> {
  const { base, negated, union } = structuralParts(op);
  const holds = relation(base, left, links);
  const chosen = [...right].filter((span) => holds(span) !== negated);
  if (!union) return new Set(chosen);
  // The left side's spans that take part: each relation read the other way round.
  const leftHolds = relation(CONVERSE[base], new Set(chosen), links);
  return new Set([...[...left].filter(leftHolds), ...chosen]);
}

/** A relation of spans, as the structural operators name it without their `!` or `&`. */
export type BaseRelation = '>>' | '>' | '<<' | '<' | '~';

/** An operator's relation, and whether it selects the spans not so related (`!`) or both sides' (`&`). */
export function structuralParts(op: StructuralOp): { base: BaseRelation; negated: boolean; union: boolean } {
  return { base: op.replace(/^[!&]/, '') as BaseRelation, negated: op.startsWith('!'), union: op.startsWith('&') };
}

/** `a op b` read from b's side: `a > b` is `b < a`, `a ~ b` is `b ~ a`. */
export const CONVERSE: Readonly<Record<BaseRelation, BaseRelation>> = { '>>': '<<', '>': '<', '<<': '>>', '<': '>', '~': '~' };

/** Whether a span stands in the relation to some span of `of`: for `>`, its parent is in `of`. */
function relation<T extends Linked>(op: BaseRelation, of: Set<T>, links: TraceLinks<T>): (span: T) => boolean {
  const ids = new Set([...of].map((span) => span.spanId));
  switch (op) {
    case '>':
      return (span) => span.parentSpanId !== null && ids.has(span.parentSpanId);
    case '<': {
      const parents = new Set([...of].map((span) => span.parentSpanId));
      return (span) => parents.has(span.spanId);
    }
    case '>>':
      return (span) => links.ancestorsOf(span).some((id) => ids.has(id));
    case '<<': {
      const ancestors = new Set([...of].flatMap((span) => links.ancestorsOf(span)));
      return (span) => ancestors.has(span.spanId);
    }
    case '~': {
      const childrenOf = new Map<string, Set<string>>();
      for (const other of of) if (other.parentSpanId !== null) childrenOf.set(other.parentSpanId, (childrenOf.get(other.parentSpanId) ?? new Set()).add(other.spanId));
      return (span) => {
        const siblings = span.parentSpanId === null ? undefined : childrenOf.get(span.parentSpanId);
        return siblings !== undefined && (siblings.size > 1 || !siblings.has(span.spanId));
      };
    }
  }
}

/** The trace's parent links by span id; a retried span may come twice, under one id. */
class TraceLinks<T extends Linked> {
  private readonly parentsById = new Map<string, Set<string>>();

  constructor(spans: readonly T[]) {
    for (const span of spans) {
      if (span.parentSpanId === null) continue;
      const parents = this.parentsById.get(span.spanId) ?? new Set();
      parents.add(span.parentSpanId);
      this.parentsById.set(span.spanId, parents);
    }
  }

  /** The ids above a span, following parents through every span sent with each id (a cycle ends). */
  ancestorsOf(span: T): string[] {
    const seen = new Set<string>();
    const queue = span.parentSpanId === null ? [] : [span.parentSpanId];
    while (queue.length > 0) {
      const id = queue.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const parent of this.parentsById.get(id) ?? []) queue.push(parent);
    }
    return [...seen];
  }
}
