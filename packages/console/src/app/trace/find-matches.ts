import type { WaterfallSpan } from './waterfall-model.ts';

/** The spans whose name or service mentions `text` (any case), in tree order: found at once, from the outline. */
export function outlineMatches(spans: readonly Pick<WaterfallSpan, 'name' | 'serviceName'>[], text: string): number[] {
  const needle = text.trim().toLowerCase();
  if (needle === '') return [];
  const found: number[] = [];
  spans.forEach((span, index) => {
    if (span.name.toLowerCase().includes(needle) || span.serviceName.toLowerCase().includes(needle)) found.push(index);
  });
  return found;
}

/** Both lists of span indexes as one, ascending (tree order), each once. */
export function mergeMatches(a: readonly number[], b: readonly number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

/**
 * The match to jump to from the selected span: the first one after it (`forward`) or before it,
 * wrapping around; with nothing selected, the first or the last. Null when there is none.
 */
export function nextMatch(matches: readonly number[], selected: number | null, forward: boolean): number | null {
  if (matches.length === 0) return null;
  if (selected === null) return forward ? matches[0]! : matches[matches.length - 1]!;
  if (forward) return matches.find((index) => index > selected) ?? matches[0]!;
  for (let i = matches.length - 1; i >= 0; i--) if (matches[i]! < selected) return matches[i]!;
  return matches[matches.length - 1]!;
}
