import type { WaterfallSpan } from './waterfall-model.ts';

/** What the tree logic needs of a span: its place in the tree order. */
export type TreeRow = Pick<WaterfallSpan, 'parentIndex' | 'childIndexes' | 'subtreeEnd'>;

/** Repeated siblings shown as one row (sibling-folds.ts): each span's fold leader (-1: none), and the folds opened. */
export interface FoldState {
  leaderOf: Int32Array;
  unfolded: ReadonlySet<number>;
}

/**
 * The spans shown, in tree order: every span but those below a collapsed one, and of a folded
 * group of siblings only its leader (standing for them all, without its subtree).
 * O(rows shown + collapsed spans + folded members).
 */
export function visibleRows(spans: readonly TreeRow[], collapsed: ReadonlySet<number>, folds: FoldState | null = null): number[] {
  const rows: number[] = [];
  for (let index = 0; index < spans.length; ) {
    const leader = folds === null ? -1 : folds.leaderOf[index]!;
    if (leader >= 0 && !folds!.unfolded.has(leader)) {
      if (leader === index) rows.push(index);
      index = spans[index]!.subtreeEnd;
      continue;
    }
    rows.push(index);
    index = collapsed.has(index) ? spans[index]!.subtreeEnd : index + 1;
  }
  return rows;
}

/** Where `index` sits among the shown rows (which are ascending), or -1 when it is hidden. */
export function rowPositionOf(rows: readonly number[], index: number): number {
  let low = 0;
  let high = rows.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = rows[middle]!;
    if (value === index) return middle;
    if (value < index) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** The collapsed set with every ancestor of `index` expanded, so the span shows; the same set when nothing changes. */
export function expandAncestors(spans: readonly TreeRow[], collapsed: ReadonlySet<number>, index: number): ReadonlySet<number> {
  let expanded: Set<number> | null = null;
  for (let ancestor = spans[index]?.parentIndex ?? -1; ancestor >= 0; ancestor = spans[ancestor]!.parentIndex) {
    if (!collapsed.has(ancestor)) continue;
    expanded ??= new Set(collapsed);
    expanded.delete(ancestor);
  }
  return expanded ?? collapsed;
}

/** The outermost collapsed ancestor of `index`: the row that stands for it while it is hidden; `index` itself when shown. */
export function shownAncestorOf(spans: readonly TreeRow[], collapsed: ReadonlySet<number>, index: number): number {
  let shown = index;
  for (let ancestor = spans[index]?.parentIndex ?? -1; ancestor >= 0; ancestor = spans[ancestor]!.parentIndex) {
    if (collapsed.has(ancestor)) shown = ancestor;
  }
  return shown;
}

/** Every span with children: "collapse all" leaves only the roots. */
export function collapsibleSpans(spans: readonly TreeRow[]): ReadonlySet<number> {
  const collapsible = new Set<number>();
  for (let index = 0; index < spans.length; index++) if (spans[index]!.childIndexes.length > 0) collapsible.add(index);
  return collapsible;
}

/** The set (collapsed spans, unfolded groups) with `index` in it or not; the same set when nothing changes. */
export function withMember(set: ReadonlySet<number>, index: number, member: boolean): ReadonlySet<number> {
  if (set.has(index) === member) return set;
  const next = new Set(set);
  if (member) next.add(index);
  else next.delete(index);
  return next;
}
