import type { SearchTagsJson, TagScopeName, TagValuesJson, TagValueType } from '@stitch/api';
import { ApiError } from '@stitch/http';
import { FilterSyntaxError, INTRINSIC_NAMES, parseFieldName, type FilterExpr, type SpanKey } from '@stitch/query';
import type { AttributeDiscovery, DiscoveredValue } from '@stitch/store';
import { parseFilterParam, parseLimit } from '../params.ts';
import { parseWindow } from '../traces/trace-routes.ts';

const TAG_PARAMS = new Set(['start', 'end', 'scope', 'limit']);
const VALUE_PARAMS = new Set(['start', 'end', 'limit', 'q']);
const SCOPES: readonly TagScopeName[] = ['span', 'resource', 'event', 'link', 'intrinsic'];
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

function checkParams(params: URLSearchParams, known: ReadonlySet<string>): void {
  for (const key of params.keys()) if (!known.has(key)) throw new ApiError(400, `${key}: unknown parameter (known: ${[...known].join(', ')})`);
}

/** GET /api/search/tags?start=&end=&scope=&limit= : the attribute names of the window's spans, by scope, most carried first. */
export async function searchTags(discovery: AttributeDiscovery, params: URLSearchParams, nowMs: number): Promise<SearchTagsJson> {
  checkParams(params, TAG_PARAMS);
  const window = parseWindow(params, nowMs);
  const limit = parseLimit(params.get('limit'), DEFAULT_LIMIT, MAX_LIMIT);
  const scope = params.get('scope');
  if (scope !== null && scope !== '' && !(SCOPES as readonly string[]).includes(scope)) throw new ApiError(400, `scope: "${scope.slice(0, 40)}" is not a scope (${SCOPES.join(', ')}, or none for all)`);
  const wanted = (name: TagScopeName) => scope === null || scope === '' || scope === name;
  const scopes: SearchTagsJson['scopes'] = [];
  const attributeScopes = (['span', 'resource', 'event', 'link'] as const).filter(wanted);
  if (attributeScopes.length > 0) {
    const names = await discovery.attributeNames(window, limit);
    for (const name of attributeScopes) scopes.push({ name, tags: names[name] });
  }
  if (wanted('intrinsic')) scopes.push({ name: 'intrinsic', tags: INTRINSIC_NAMES.map((name) => ({ name, count: null })) });
  return { scopes };
}

/**
 * GET /api/search/tag/{name}/values?start=&end=&limit=&q= : the values a field or attribute takes
 * on the window's spans, most common first; `q`, one `{ }`, keeps the spans it matches.
 */
export async function tagValues(discovery: AttributeDiscovery, name: string, params: URLSearchParams, nowMs: number): Promise<TagValuesJson> {
  checkParams(params, VALUE_PARAMS);
  const key = parseName(name);
  const window = parseWindow(params, nowMs);
  const limit = parseLimit(params.get('limit'), DEFAULT_LIMIT, MAX_LIMIT);
  const q = params.get('q');
  const spans = q === null || q.trim() === '' ? null : spanCondition(parseFilterParam('q', q));
  const values = await discovery.attributeValues(window, key, spans, limit);
  return { tag: name, values: values.map(({ value, count }) => ({ type: typeOf(key, value), value, count })) };
}

function parseName(name: string): SpanKey {
  try {
    return parseFieldName(name);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw new ApiError(400, `name: ${error.detail}`);
    throw error;
  }
}

/** `q` of a values request: the condition of one `{ }`. */
function spanCondition(expr: FilterExpr): FilterExpr | null {
  if (expr.type !== 'spanSet') throw new ApiError(400, 'q: must be one { } of conditions on a span, such as { resource.service.name = "checkout" }');
  return expr.body;
}

/** Status and kind are words of the language (`status = error`), not strings. */
function typeOf(key: SpanKey, value: DiscoveredValue): TagValueType {
  if (key.kind === 'field' && (key.field === 'status' || key.field === 'kind')) return 'keyword';
  return typeof value === 'string' ? 'string' : typeof value === 'number' ? 'number' : 'boolean';
}
