import { highlightRuns } from './highlight-runs.ts';

/**
 * The expression in colour, drawn under the transparent input with the same font and padding:
 * the input stays the one thing a keyboard or a screen reader meets, so this is hidden from them.
 */
export function FilterHighlight({ text, faultColumn, scrollLeft }: { text: string; faultColumn: number | null; scrollLeft: number }) {
  return (
    <pre class="filter-highlight" aria-hidden="true">
      <span class="filter-highlight-text" style={{ transform: `translateX(${-scrollLeft}px)` }}>
        {highlightRuns(text, faultColumn).map((run, i) => (
          <span key={i} class={[run.cls && `tok-${run.cls}`, run.atFault && 'tok-fault'].filter(Boolean).join(' ') || undefined}>
            {run.text}
          </span>
        ))}
      </span>
    </pre>
  );
}
