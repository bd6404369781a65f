import { useEffect, useState } from 'preact/hooks';
import { ApiFailure, apiGet } from './api.ts';

export type Loaded<T> = { state: 'loading' } | { state: 'failed'; error: ApiFailure } | { state: 'loaded'; value: T; loadedInMs: number };

/** GET `path` whenever it or its parameters change; an older answer never replaces a newer one. */
export function useApi<T>(path: string | null, params: Record<string, string | number | null | undefined> = {}): Loaded<T> {
  const key = path === null ? '' : `${path}?${JSON.stringify(params)}`;
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    const started = performance.now();
    setLoaded({ state: 'loading' });
    apiGet<T>(path, params, controller.signal).then(
      (value) => setLoaded({ state: 'loaded', value, loadedInMs: performance.now() - started }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setLoaded({ state: 'failed', error: error instanceof ApiFailure ? error : new ApiFailure(0, (error as Error).message) });
      },
    );
    return () => controller.abort();
  }, [key]);
  return loaded;
}
