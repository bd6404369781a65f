import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { TimeWindow } from '../time-window.ts';
import { completionSiteAt } from './completion-context.ts';
import { CompletionList, COMPLETIONS_ID, optionId } from './completion-list.tsx';
import { applyCompletion, completionsFor, worthShowing, type Completion } from './completions.ts';
import { FilterHighlight } from './filter-highlight.tsx';
import { readQuery, type FilterProblem } from './read-query.ts';
import { useTagDiscovery } from './use-tag-discovery.ts';
import { valuesRequestAt } from './values-request.ts';

/** Closed; opened by typing (shown where something must follow); or asked for (Ctrl+Space, ↓), shown wherever there is something. */
type ListState = 'closed' | 'typing' | 'asked';

/**
 * The filter expression box (a filter of traces, or a metrics query to chart): coloured as typed,
 * with completions for the word at the caret (↑ ↓ to move, Tab or Enter to take one, Escape to
 * close). Enter without the list searches; a problem (the parser's, or the server's) is
 * underlined and shown with a caret under the column at fault, and searching is held back until
 * it is fixed.
 */
export function FilterBox({ value, serverProblem, window, onSearch }: { value: string; serverProblem: FilterProblem | null; window: TimeWindow; onSearch: (q: string) => void }) {
  const [text, setText] = useState(value);
  const [caret, setCaret] = useState(value.length);
  const [list, setList] = useState<ListState>('closed');
  const [active, setActive] = useState(0);
  const [focused, setFocused] = useState(false);
  const [everFocused, setEverFocused] = useState(false);
  const [scrollLeft, setScrollLeft] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const caretAfterPick = useRef<number | null>(null);
  useEffect(() => setText(value), [value]);

  const reading = readQuery(text);
  const typed = reading.kind === 'problem' ? reading.problem : null;
  const problem = typed ?? (text === value ? serverProblem : null);
  const site = useMemo(() => completionSiteAt(text, caret), [text, caret]);
  const valuesRequest = useMemo(() => valuesRequestAt(text, site), [site]);
  const discovered = useTagDiscovery(window, valuesRequest, everFocused);
  const completions = useMemo(() => completionsFor(site, discovered), [site, discovered]);
  const showing = focused && completions.length > 0 && (list === 'asked' || (list === 'typing' && site.eager && worthShowing(site, completions)));
  useEffect(() => setActive(0), [site.from, site.typed, completions.length]);

  // After a pick the caret goes where the completion says, once the input holds the new text.
  useLayoutEffect(() => {
    const element = input.current;
    if (element && caretAfterPick.current !== null) {
      element.setSelectionRange(caretAfterPick.current, caretAfterPick.current);
      caretAfterPick.current = null;
    }
    if (element && element.scrollLeft !== scrollLeft) setScrollLeft(element.scrollLeft);
  });

  const follow = () => {
    const element = input.current;
    if (!element) return;
    setCaret(element.selectionStart ?? element.value.length);
    setScrollLeft(element.scrollLeft);
  };
  const pick = (completion: Completion) => {
    const next = applyCompletion(text, site, completion);
    caretAfterPick.current = next.caret;
    setText(next.text);
    setCaret(next.caret);
    setList('typing');
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (showing) {
      const move: Record<string, () => void> = {
        ArrowDown: () => setActive((active + 1) % completions.length),
        ArrowUp: () => setActive((active - 1 + completions.length) % completions.length),
        Enter: () => pick(completions[active]!),
        Tab: () => pick(completions[active]!),
        Escape: () => setList('closed'),
      };
      const action = move[event.key];
      if (action && !event.shiftKey && !event.altKey) {
        event.preventDefault();
        action();
      }
    } else if ((event.key === ' ' && event.ctrlKey) || (event.key === 'ArrowDown' && completions.length > 0)) {
      event.preventDefault();
      setList('asked');
    }
  };

  return (
    <form
      class="filter-box"
      onSubmit={(event) => {
        event.preventDefault();
        if (!typed) onSearch(text.trim());
      }}
    >
      <div class="filter-input">
        <div class="filter-field">
          <FilterHighlight text={text} faultColumn={problem?.column ?? null} scrollLeft={scrollLeft} />
          <input
            ref={input}
            name="q"
            role="combobox"
            aria-label="filter expression"
            aria-invalid={problem !== null}
            aria-autocomplete="list"
            aria-expanded={showing}
            aria-controls={COMPLETIONS_ID}
            aria-activedescendant={showing ? optionId(active) : undefined}
            spellcheck={false}
            autocomplete="off"
            placeholder={'{ resource.service.name = "checkout" && duration > 2s }, service("payments") AND fault, or a trace id    (Enter to search)'}
            value={text}
            onInput={(event) => {
              setText((event.target as HTMLInputElement).value);
              setList('typing');
              follow();
            }}
            onKeyDown={onKeyDown}
            onKeyUp={follow}
            onClick={follow}
            onScroll={follow}
            onFocus={() => {
              setFocused(true);
              setEverFocused(true);
              follow();
            }}
            onBlur={() => {
              setFocused(false);
              setList('closed');
            }}
          />
          {showing && <CompletionList completions={completions} active={active} left={`max(0px, min(${site.from}ch + 11px - ${scrollLeft}px, 100% - var(--completions-width)))`} onPick={pick} />}
        </div>
        <button type="submit" disabled={typed !== null}>
          Search
        </button>
      </div>
      {problem && (
        <div class="filter-problem" role="alert">
          {problem.column !== null && (
            <pre class="mono caret-line">
              {text}
              {'\n'}
              {' '.repeat(Math.max(0, problem.column - 1))}^
            </pre>
          )}
          <span>{problem.column !== null ? `column ${problem.column}: ${problem.message}` : problem.message}</span>
        </div>
      )}
    </form>
  );
}
