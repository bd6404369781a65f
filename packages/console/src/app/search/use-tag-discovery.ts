import { useEffect, useRef, useState } from 'preact/hooks';
import type { SearchTagsJson, TagValuesJson } from '@stitch/api';
import { apiGet } from '../api.ts';
import type { TimeWindow } from '../time-window.ts';
import type { Discovered } from './completions.ts';
import type { ValuesRequest } from './values-request.ts';

const TAG_LIMIT = 500;
const VALUE_LIMIT = 100;

/**
 * The window's attribute names (fetched once per window, when `wanted`: the box was focused)
 * and the values `request` asks for (once per window, name and narrowing filter). Anything the server does not answer (a
 * central without the discovery API answers 404) is null, and completions come from the grammar alone.
 */
export function useTagDiscovery(window: TimeWindow, request: ValuesRequest | null, wanted: boolean): Discovered {
  // A range ("the last hour") is one window however often its times are worked out again.
  const windowKey = window.range ?? `${window.start}..${window.end}`;
  const cache = useRef(new Map<string, SearchTagsJson['scopes'] | TagValuesJson['values'] | null>());
  const [, answered] = useState(0);
  const fetchOnce = <T,>(key: string, path: string, params: Record<string, string | number>, pick: (answer: T) => SearchTagsJson['scopes'] | TagValuesJson['values']) => {
    if (cache.current.has(key)) return undefined;
    const controller = new AbortController();
    cache.current.set(key, null);
    apiGet<T>(path, { start: window.start, end: window.end, ...params }, controller.signal).then(
      (answer) => {
        cache.current.set(key, pick(answer));
        answered((n) => n + 1);
      },
      () => {
        // Asked again next time, unless the server has no such API: completions go on from the grammar.
        if (controller.signal.aborted) cache.current.delete(key);
      },
    );
    return () => controller.abort();
  };
  const tagsKey = `tags ${windowKey}`;
  const valuesKey = request === null ? null : `values ${windowKey} ${request.tag} ${request.q ?? ''}`;
  useEffect(() => (wanted ? fetchOnce<SearchTagsJson>(tagsKey, '/api/search/tags', { limit: TAG_LIMIT }, (answer) => answer.scopes) : undefined), [wanted, tagsKey]);
  useEffect(
    () => (wanted && request !== null && valuesKey !== null ? fetchOnce<TagValuesJson>(valuesKey, `/api/search/tag/${encodeURIComponent(request.tag)}/values`, { limit: VALUE_LIMIT, ...(request.q === null ? {} : { q: request.q }) }, (answer) => answer.values) : undefined),
    [wanted, valuesKey],
  );
  return {
    tags: (cache.current.get(tagsKey) as SearchTagsJson['scopes'] | undefined) ?? null,
    values: valuesKey === null ? null : ((cache.current.get(valuesKey) as TagValuesJson['values'] | undefined) ?? null),
  };
}
