import type { Attributes, HttpFacts } from './span.ts';

// Current semantic conventions first, then the pre-1.21 names many SDKs still emit.
const METHOD_KEYS = ['http.request.method', 'http.method'];
const ROUTE_KEYS = ['http.route'];
const URL_KEYS = ['url.full', 'http.url', 'http.target', 'url.path'];
const STATUS_KEYS = ['http.response.status_code', 'http.status_code'];

function firstString(attributes: Attributes, keys: string[]): string | null {
  for (const key of keys) {
    const value = attributes[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}

// A status is three digits at most: a larger number is no HTTP status, and would not fit the
// stores' INTEGER column (a sender's 2^63 failed the whole batch with a 503, retried forever).
function firstStatusCode(attributes: Attributes, keys: string[]): number | null {
  for (const key of keys) {
    const value = attributes[key];
    const parsed = typeof value === 'string' ? Number(value) : value;
    if (typeof parsed === 'number' && Number.isInteger(parsed) && Math.abs(parsed) <= 999) return parsed;
  }
  return null;
}

export function httpFactsOf(attributes: Attributes): HttpFacts {
  return {
    method: firstString(attributes, METHOD_KEYS),
    route: firstString(attributes, ROUTE_KEYS),
    url: firstString(attributes, URL_KEYS),
    statusCode: firstStatusCode(attributes, STATUS_KEYS),
  };
}
