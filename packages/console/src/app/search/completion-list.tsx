import type { Completion } from './completions.ts';

export const COMPLETIONS_ID = 'filter-completions';
export const optionId = (index: number) => `filter-completion-${index}`;

/**
 * The completions under the word at the caret, a listbox the input points into
 * (aria-activedescendant), so focus never leaves the input. A click picks one without blurring it.
 */
/** Scrolls the list, and only the list, to show the active option (scrollIntoView would scroll the page too). */
function keepInView(option: HTMLLIElement | null): void {
  const list = option?.parentElement;
  if (!option || !list) return;
  if (option.offsetTop < list.scrollTop) list.scrollTop = option.offsetTop;
  else if (option.offsetTop + option.offsetHeight > list.scrollTop + list.clientHeight) list.scrollTop = option.offsetTop + option.offsetHeight - list.clientHeight;
}

export function CompletionList({ completions, active, left, onPick }: { completions: readonly Completion[]; active: number; left: string; onPick: (completion: Completion) => void }) {
  return (
    <ul id={COMPLETIONS_ID} class="filter-completions" role="listbox" aria-label="completions" style={{ left }} onMouseDown={(event) => event.preventDefault()}>
      {completions.map((completion, i) => (
        <li key={completion.insert} id={optionId(i)} role="option" aria-selected={i === active} class={i === active ? 'active' : undefined} data-insert={completion.insert} onClick={() => onPick(completion)} ref={i === active ? keepInView : undefined}>
          <span class={`mono tok-${completion.cls}`}>{completion.label}</span>
          <span class="detail">{completion.detail}</span>
        </li>
      ))}
    </ul>
  );
}
