import type { MaybePartial } from './partial-answer.ts';

/** Where a name is found: a span's attributes, its resource's, its events' or links', or the fields every span has (name, status, kind…). */
export type TagScopeName = 'span' | 'resource' | 'event' | 'link' | 'intrinsic';

/**
 * GET /api/search/tags?start=&end=&scope=&limit= : the attribute names spans of the window carry,
 * by scope, each with the number of spans carrying it (most carried first); the intrinsic fields
 * with a null count. For the filter box's completions (Tempo's /api/v2/search/tags, with counts).
 */
export interface SearchTagsJson extends MaybePartial {
  scopes: Array<{ name: TagScopeName; tags: Array<{ name: string; count: number | null }> }>;
}

/** A value's type as the language compares it: a string, a number, a boolean, or a word (status, kind). */
export type TagValueType = 'string' | 'number' | 'boolean' | 'keyword';

/**
 * GET /api/search/tag/{name}/values?start=&end=&limit=&q= : the values a field or attribute takes
 * on spans of the window (`name` as the language writes it: `resource.service.name`, `span.db.system`,
 * `.region`, `name`, `status`), most common first; with `q` (one `{ }`), only on spans it matches.
 */
export interface TagValuesJson extends MaybePartial {
  tag: string;
  values: Array<{ type: TagValueType; value: string | number | boolean; count: number }>;
}
