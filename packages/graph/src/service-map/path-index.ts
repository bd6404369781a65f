import { isParameter, pathMatches } from './peers.ts';

/** Route templates remembered at most: routes are few; past this (a route made of raw URLs), an entry is found by its exact path only. */
const MAX_TEMPLATES = 10_000;

/**
 * The keys under which entry spans are found by the path a client asked for (see pathMatches): an
 * exact path under itself, a route template (`/stock/:sku`) under itself, found through the
 * templates of the path's length. A lookup then reads only the entries that can match, however
 * many other requests the same seconds hold.
 */
export class PathIndex {
  private readonly templatesByLength = new Map<number, Set<string>>();
  private templates = 0;

  /** The keys of an entry span that served `path`, through `route` when it has one. */
  keysOfServed(path: string, route: string): string[] {
    return [path, route].filter((served) => served !== '').map((served) => this.keyOf(served.split('?')[0]!));
  }

  /** The keys of the entries a client's `path` may match. */
  keysMatching(path: string): string[] {
    if (path === '') return [];
    const templates = this.templatesByLength.get(path.split('/').length) ?? [];
    return [`path ${path}`, ...[...templates].filter((template) => pathMatches(path, template)).map((template) => `route ${template}`)];
  }

  private keyOf(served: string): string {
    const segments = served.split('/');
    if (!segments.some(isParameter)) return `path ${served}`;
    let templates = this.templatesByLength.get(segments.length);
    if (!templates) this.templatesByLength.set(segments.length, (templates = new Set()));
    if (!templates.has(served) && this.templates < MAX_TEMPLATES) {
      templates.add(served);
      this.templates++;
    }
    return `route ${served}`;
  }
}
