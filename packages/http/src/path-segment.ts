import { ApiError } from './api-error.ts';

/**
 * A percent-encoded path segment, decoded; a 400 naming `name` when its escapes are broken
 * (`%zz`, a cut UTF-8 sequence), which decodeURIComponent throws a URIError for (it was a 500).
 */
export function decodePathSegment(name: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiError(400, `${name}: "${raw.slice(0, 80)}" is not a valid percent-encoded path segment`);
  }
}
