import { rowPositionOf, type TreeRow } from './visible-rows.ts';

/** What a key does in the waterfall: the page carries it out (selection lives in the URL, collapse in the page). */
export type WaterfallMove =
  | { kind: 'select'; index: number }
  | { kind: 'collapse'; index: number }
  | { kind: 'expand'; index: number }
  | { kind: 'unfold'; index: number }
  | { kind: 'fold'; index: number }
  | { kind: 'toggle-details' };

export interface KeyboardState {
  spans: readonly TreeRow[];
  /** The shown rows, in tree order. */
  rows: readonly number[];
  collapsed: ReadonlySet<number>;
  selected: number | null;
  /** Whether a span leads repeated siblings, folded (its row stands for them) or not (sibling-folds.ts). */
  fold?(index: number): 'folded' | 'unfolded' | null;
}

/**
 * The tree-view keys: ↑/↓ the previous or next shown row, ← collapses, folds repeated siblings
 * back or goes to the parent, → unfolds them, expands or goes to the first child, Home/End the
 * first or last row, Enter/Space the details.
 * Null when the key means nothing here (the browser keeps it).
 */
export function moveForKey(key: string, state: KeyboardState): WaterfallMove | null {
  const { spans, rows, collapsed, selected } = state;
  if (rows.length === 0) return null;
  const position = selected === null ? -1 : rowPositionOf(rows, selected);
  const select = (at: number): WaterfallMove => ({ kind: 'select', index: rows[Math.min(rows.length - 1, Math.max(0, at))]! });
  switch (key) {
    case 'ArrowDown':
      return select(position < 0 ? 0 : position + 1);
    case 'ArrowUp':
      return select(position < 0 ? rows.length - 1 : position - 1);
    case 'Home':
      return select(0);
    case 'End':
      return select(rows.length - 1);
    case 'ArrowLeft': {
      if (selected === null || position < 0) return select(0);
      const span = spans[selected]!;
      if (span.childIndexes.length > 0 && !collapsed.has(selected)) return { kind: 'collapse', index: selected };
      if (state.fold?.(selected) === 'unfolded') return { kind: 'fold', index: selected };
      return span.parentIndex >= 0 ? { kind: 'select', index: span.parentIndex } : null;
    }
    case 'ArrowRight': {
      if (selected === null || position < 0) return select(0);
      const span = spans[selected]!;
      if (state.fold?.(selected) === 'folded') return { kind: 'unfold', index: selected };
      if (span.childIndexes.length === 0) return null;
      if (collapsed.has(selected)) return { kind: 'expand', index: selected };
      return { kind: 'select', index: span.childIndexes[0]! };
    }
    case 'Enter':
    case ' ':
      return selected === null ? null : { kind: 'toggle-details' };
    default:
      return null;
  }
}
