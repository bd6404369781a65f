// A member's read URL comes from its agent, another party: central takes only the scheme, host,
// port and a plain path prefix from it, and builds every request URL itself with the URL API.

/** Letters, digits, `- . _ ~` between slashes: no %-escape can hide a `/`, `?` or `#` in it. */
const PLAIN_PATH = /^(\/[A-Za-z0-9._~-]+)*\/?$/;

/** The URL central reads a member at, or why it is not one (a message naming nothing but the URL). */
export function parseReadUrl(text: string): { url: URL } | { error: string } {
  if (!URL.canParse(text)) return { error: 'expected an http(s) URL' };
  // The URL parser drops tabs and newlines and trims spaces: what it parsed would not be what was sent.
  if (/[\u0000-\u0020\u007f]/.test(text)) return { error: 'no spaces or control characters in a read URL' };
  const parsed = new URL(text);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { error: 'expected an http(s) URL' };
  // `http://127.0.0.1:1@169.254.169.254/` reads 169.254.169.254: no user part at all.
  if (text.includes('@')) return { error: 'no user name or password (@) in a read URL' };
  if (text.includes('?')) return { error: 'no query (?) in a read URL: central builds each request itself' };
  if (text.includes('#')) return { error: 'no fragment (#) in a read URL: central builds each request itself' };
  if (!PLAIN_PATH.test(parsed.pathname)) return { error: 'its path may hold only letters, digits, - . _ ~ and / (no %-escapes)' };
  const prefix = parsed.pathname.replace(/\/+$/, '');
  return { url: new URL(`${parsed.protocol}//${parsed.host}${prefix}`) };
}

/** How a read URL is shown and compared: `http://10.0.3.7:4319`, `https://agent.internal/stitch` (no trailing slash). */
export function readUrlText(url: URL): string {
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The member's API path `path` (a FEDERATION_PATHS constant) under its read URL, with `query`. */
export function apiUrl(base: URL, path: string, query?: URLSearchParams): URL {
  const url = new URL(base.origin);
  url.pathname = `${base.pathname.replace(/\/+$/, '')}${path}`;
  if (query) url.search = query.toString();
  return url;
}

/** The port a URL connects to, its scheme's default when it names none. */
export function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** A URL's host as an address or name, without IPv6's brackets. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}
