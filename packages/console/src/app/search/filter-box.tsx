import { useEffect, useState } from 'preact/hooks';
import { normalizeTraceId } from '@stitch/model';
import { FilterSyntaxError, parseFilter } from '@stitch/query';

export interface FilterProblem {
  message: string;
  /** 1-based, as the API and the parser give it. */
  column: number | null;
}

/** The language's own parser, in the page: a mistake shows under the expression as it is typed. A trace id (either form) opens that trace. */
export function problemOf(text: string): FilterProblem | null {
  if (text.trim() === '' || normalizeTraceId(text) !== null) return null;
  try {
    parseFilter(text);
    return null;
  } catch (error) {
    if (error instanceof FilterSyntaxError) return { message: error.detail, column: error.column };
    return { message: (error as Error).message, column: null };
  }
}

/**
 * The filter expression box. Enter searches; a problem (the parser's, or the server's) is shown
 * with a caret under the column at fault, and searching is held back until it is fixed.
 */
export function FilterBox({ value, serverProblem, onSearch }: { value: string; serverProblem: FilterProblem | null; onSearch: (q: string) => void }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const typed = problemOf(text);
  const problem = typed ?? (text === value ? serverProblem : null);
  return (
    <form
      class="filter-box"
      onSubmit={(event) => {
        event.preventDefault();
        if (!typed) onSearch(text.trim());
      }}
    >
      <div class="filter-input">
        <input
          name="q"
          aria-label="filter expression"
          aria-invalid={problem !== null}
          spellcheck={false}
          autocomplete="off"
          placeholder={'service("checkout-orchestrator") AND duration > 8, or a trace id    (Enter to search)'}
          value={text}
          onInput={(event) => setText((event.target as HTMLInputElement).value)}
        />
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
