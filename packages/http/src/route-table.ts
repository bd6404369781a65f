import { ApiError } from './api-error.ts';
import { decodePathSegment } from './path-segment.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What a route table needs of a route: GET routes answer HEAD too; `:name` segments are parameters. */
export interface RoutePattern {
  method: Method;
  path: string;
}

export type RouteMatch<R> =
  /** The route, with its parameters percent-decoded. */
  | { route: R; params: Record<string, string> }
  /** The path is known, the method is not: the methods it takes (for a 405's Allow), and one of its routes. */
  | { allow: Method[]; samePath: R };

interface Compiled<R> {
  route: R;
  segments: string[];
}

/** Matches a request to one route of a fixed list; a path matches at most one pattern. */
export class RouteTable<R extends RoutePattern> {
  private readonly routes: Compiled<R>[];

  constructor(routes: readonly R[]) {
    const seen = new Set<string>();
    for (const route of routes) {
      // Two patterns of one shape would make the order of the list matter: refused at start.
      const key = `${route.method} ${route.path.replace(/:[^/]+/g, ':')}`;
      if (seen.has(key)) throw new Error(`route table: ${route.method} ${route.path} is listed twice`);
      seen.add(key);
    }
    this.routes = routes.map((route) => ({ route, segments: route.path.split('/') }));
  }

  /** The route for this request, the methods its path takes, or null for an unknown path. */
  match(method: string, path: string): RouteMatch<R> | null {
    const asked = method === 'HEAD' ? 'GET' : method;
    const segments = path.split('/');
    const allow: Method[] = [];
    let samePath: R | null = null;
    for (const { route, segments: pattern } of this.routes) {
      const params = paramsOf(pattern, segments);
      if (params === null) continue;
      if (route.method === asked) return { route, params: decoded(params) };
      allow.push(route.method);
      samePath ??= route;
    }
    return samePath ? { allow, samePath } : null;
  }
}

/** The raw parameters when the path fits the pattern (a parameter is one non-empty segment), else null. */
function paramsOf(pattern: readonly string[], segments: readonly string[]): Record<string, string> | null {
  if (pattern.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    const have = segments[i]!;
    if (want.startsWith(':')) {
      if (have === '') return null;
      params[want.slice(1)] = have;
    } else if (want !== have) {
      return null;
    }
  }
  return params;
}

function decoded(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(params)) out[name] = decodePathSegment(name, raw);
  return out;
}

/** The 405 for a known path asked with a method it does not take. */
export function methodNotAllowed(method: string, path: string, allow: readonly Method[]): ApiError {
  const methods = [...new Set(allow)].join(', ');
  return new ApiError(405, `method: ${method} is not allowed on ${path} (it takes ${methods})`, { headers: { allow: methods } });
}
