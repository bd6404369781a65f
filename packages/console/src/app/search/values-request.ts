import { parseFilter } from '@stitch/query';
import type { CompletionSite } from './completion-context.ts';
import { scanFilter, type ScannedToken } from './filter-scan.ts';
import { attributeName } from './filter-literals.ts';
import { isNestedScope } from './filter-vocabulary.ts';

/** What to ask the discovery API for the values at the caret: the field's name, and the spans to look at. */
export interface ValuesRequest {
  /** As the language writes it (`resource.service.name`, `name`): what GET /api/search/tag/{name}/values reads. */
  tag: string;
  /** One `{ }` of the other conditions ANDed in the same braces, so the values offered are those spans' (null: any span). */
  q: string | null;
}

/** The values request for the caret: after `field op`, and inside service( and edge( (service names); null elsewhere. */
export function valuesRequestAt(text: string, site: CompletionSite): ValuesRequest | null {
  const { context } = site;
  if (context.kind === 'argument') return context.fn === 'peer' ? null : { tag: 'resource.service.name', q: null };
  if (context.kind !== 'value') return null;
  const { field } = context;
  // Discovery lists values of what a span has one of: not of its events' or links' attributes.
  if (field.kind === 'attribute' && isNestedScope(field.scope)) return null;
  const tag = field.kind === 'known' ? (field.field.tag ?? null) : field.kind === 'attribute' ? attributeName(field.prefix === '' ? '.' : (field.prefix as 'span.' | 'resource.' | '.'), field.key) : null;
  if (tag === null) return null;
  return { tag, q: narrowingFilter(text, scanFilter(text).filter((token) => token.end <= site.from)) };
}

const isAnd = (token: ScannedToken | undefined) => (token?.kind === 'punct' && token.text === '&&') || (token?.kind === 'word' && token.text.toLowerCase() === 'and');
const isOr = (token: ScannedToken) => (token.kind === 'punct' && token.text === '||') || (token.kind === 'word' && token.text.toLowerCase() === 'or');

/** `before` ends with `field op`: the conditions ANDed before it in its braces (`{ a && b && field op`), as `{ a && b }`. */
function narrowingFilter(text: string, before: readonly ScannedToken[]): string | null {
  const fieldIndex = before.length - 2;
  if (!isAnd(before[fieldIndex - 1])) return null;
  let depth = 0;
  let opener = -1;
  for (let i = fieldIndex - 2; i >= 0 && opener < 0; i--) {
    const token = before[i]!;
    if (token.kind !== 'punct') continue;
    if (token.text === '}' || token.text === ')') depth++;
    else if (token.text === '{' && depth === 0) opener = i;
    else if (token.text === '{' || token.text === '(') depth--;
  }
  if (opener < 0) return null;
  // Under an OR the conditions before do not hold for the value's span: nothing to narrow by.
  if (before.slice(opener + 1, fieldIndex).some(isOr)) return null;
  const q = `{ ${text.slice(before[opener]!.end, before[fieldIndex - 1]!.start).trim()} }`;
  try {
    const parsed = parseFilter(q);
    return parsed.type === 'spanSet' && parsed.body !== null ? q : null;
  } catch {
    return null;
  }
}
