import { useEffect, useState } from 'preact/hooks';

/** Where the console is: the page and its state, all of it in the URL so every view is a deep link. */
export interface Location {
  path: string;
  params: URLSearchParams;
}

const NAVIGATED = 'stitch:navigated';

function current(): Location {
  return { path: window.location.pathname, params: new URLSearchParams(window.location.search) };
}

/** Goes to `url` (path and query) without reloading; `replace` keeps the browser history short for small changes. */
export function navigate(url: string, { replace = false } = {}): void {
  if (url === window.location.pathname + window.location.search) return;
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(NAVIGATED));
}

/** A URL of `path` with the given parameters, empty ones left out. */
export function urlOf(path: string, params: Record<string, string | number | null | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== null && value !== undefined && value !== '') query.set(key, String(value));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const update = () => setLocation(current());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return location;
}

/** A link that navigates in place (a plain click) and still opens in a new tab (a modified click). */
export function onLinkClick(event: MouseEvent, url: string): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(url);
}
