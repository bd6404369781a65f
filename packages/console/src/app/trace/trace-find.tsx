import { useEffect, useState } from 'preact/hooks';
import { apiGet } from '../api.ts';
import { mergeMatches, nextMatch, outlineMatches } from './find-matches.ts';
import type { WaterfallTrace } from './waterfall-model.ts';

/** How long typing pauses before central is asked to look in the attributes. */
const ASK_AFTER_MS = 250;

export interface TraceFindProps {
  trace: WaterfallTrace;
  selected: number | null;
  /** The spans found (indexes, tree order), for the waterfall to mark; empty when nothing is looked for. */
  onMatches(matches: readonly number[]): void;
  onJump(index: number): void;
}

/**
 * "Find in this trace": names and services are matched at once from the outline, attributes,
 * events and status messages by central (GET /api/traces/{id}/find); Enter jumps to the next
 * match, Shift+Enter to the previous, Escape clears.
 */
export function TraceFind({ trace, selected, onMatches, onJump }: TraceFindProps) {
  const [text, setText] = useState('');
  const [matches, setMatches] = useState<readonly number[]>([]);
  const [asking, setAsking] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    const local = outlineMatches(trace.spans, text);
    setMatches(local);
    setFailed(null);
    if (text.trim() === '') return;
    const controller = new AbortController();
    setAsking(true);
    const timer = setTimeout(() => {
      apiGet<{ spanIds: string[] }>(`/api/traces/${trace.traceId}/find`, { text: text.trim() }, controller.signal).then(
        ({ spanIds }) => {
          const found = spanIds.flatMap((id) => {
            const index = trace.indexById.get(id);
            return index === undefined ? [] : [index];
          });
          setMatches(mergeMatches(local, found));
          setAsking(false);
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          setFailed((error as Error).message);
          setAsking(false);
        },
      );
    }, ASK_AFTER_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text, trace]);
  useEffect(() => onMatches(matches), [matches]);

  const jump = (forward: boolean) => {
    const next = nextMatch(matches, selected, forward);
    if (next !== null) onJump(next);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter') jump(!event.shiftKey);
    else if (event.key === 'Escape') setText('');
    else return;
    event.preventDefault();
  };
  const position = selected === null ? -1 : matches.indexOf(selected);
  const status =
    text.trim() === ''
      ? ''
      : failed !== null
        ? failed
        : matches.length === 0
          ? asking
            ? 'looking…'
            : 'no match'
          : `${position >= 0 ? `${(position + 1).toLocaleString('en-US')} of ` : ''}${matches.length.toLocaleString('en-US')}${asking ? ' so far' : ''}`;
  return (
    <div class="trace-find" role="search">
      <input
        type="search"
        placeholder="Find in trace: name, attribute…"
        aria-label="Find in this trace"
        value={text}
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={onKeyDown}
      />
      <span class={failed ? 'trace-find-status error' : 'trace-find-status muted'} aria-live="polite">
        {status}
      </span>
      <button class="ghost" title="Previous match (Shift+Enter)" disabled={matches.length === 0} onClick={() => jump(false)}>
        ↑
      </button>
      <button class="ghost" title="Next match (Enter)" disabled={matches.length === 0} onClick={() => jump(true)}>
        ↓
      </button>
    </div>
  );
}
