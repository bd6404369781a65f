import { ApiError } from '@stitch/http';
import type { FilterExpr } from '@stitch/query';

/** One tag's value longer than this is refused: it becomes a pattern, and patterns are bounded. */
const MAX_VALUE_LENGTH = 200;
const PAIR = /\s*([^\s="]+)=(?:"((?:[^"\\]|\\.)*)"|([^\s"]*))/y;

/**
 * Tempo's older tag search (`/api/search?tags=service.name=cart http.url=api/pay`, logfmt): each
 * pair a condition on some span of the trace, its attribute (span or resource) or `name`
 * containing the value, ignoring case, as Tempo matches tags. Built as the language's own
 * conditions, never as query text, so a value is only ever a value.
 */
export function logfmtFilter(text: string): FilterExpr {
  const conditions: FilterExpr[] = [];
  const seen = new Set<string>();
  PAIR.lastIndex = 0;
  while (PAIR.lastIndex < text.length) {
    const at = PAIR.lastIndex;
    const match = PAIR.exec(text);
    if (!match) {
      if (text.slice(at).trim() === '') break;
      throw new ApiError(400, `tags: "${text.slice(at, at + 40)}" is not logfmt (key=value, or key="value with spaces", separated by spaces)`);
    }
    const key = match[1]!;
    const value = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!;
    if (seen.has(key)) throw new ApiError(400, `tags: ${key} is given twice`);
    seen.add(key);
    if (value.length > MAX_VALUE_LENGTH) throw new ApiError(400, `tags: the value of ${key} is longer than ${MAX_VALUE_LENGTH} characters`);
    const pattern = `(?i).*${value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')}.*`;
    conditions.push(key === 'name' ? { type: 'compare', column: 0, field: 'name', op: '=~', value: pattern } : { type: 'compare', column: 0, field: 'attribute', scope: 'any', key, op: '=~', value: pattern });
  }
  if (conditions.length === 0) throw new ApiError(400, 'tags: no key=value pair');
  return conditions.reduce((left, right) => ({ type: 'and', column: 0, left, right }));
}
