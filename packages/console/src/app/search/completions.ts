import type { SearchTagsJson, TagScopeName, TagValuesJson } from '@stitch/api';
import type { CompletionContext, CompletionSite, Place } from './completion-context.ts';
import { attributeName, quotePattern, quoteString } from './filter-literals.ts';
import {
  AGGREGATES,
  ANNOTATION_PREFIX,
  COMPARISON_OPS,
  FLAG_WORDS,
  isNestedScope,
  KNOWN_FIELDS,
  MATCH_OPS,
  METRICS_FUNCTIONS,
  SCOPE_PREFIXES,
  STRUCTURAL_ABOUT,
  STRUCTURAL_OPS,
  WORD_OPS,
  type AttributeScope,
  type FieldRef,
  type KnownField,
} from './filter-vocabulary.ts';
import type { TokenClass } from './token-classes.ts';

/** One entry of the list: what it shows, what it writes, and the colour of the token it becomes. */
export interface Completion {
  label: string;
  /** Put in place of the typed word; a trailing blank moves on to what comes next. */
  insert: string;
  cls: TokenClass;
  detail: string;
}

/** What the server told of the window: attribute names, and the values of the field at the caret (null while unknown). */
export interface Discovered {
  tags: SearchTagsJson['scopes'] | null;
  values: TagValuesJson['values'] | null;
}

/** A candidate and the text the typed word is matched against (a key without its scope, a value without quotes). */
type Candidate = Completion & { match: string };

const MAX_SHOWN = 60;

/** The completions for the word at the caret: those starting with what is typed first, then those containing it. */
export function completionsFor(site: CompletionSite, found: Discovered): Completion[] {
  const { needle, candidates } = candidatesAt(site, found);
  const starting = candidates.filter((candidate) => candidate.match.toLowerCase().startsWith(needle));
  const containing = needle === '' ? [] : candidates.filter((candidate) => !candidate.match.toLowerCase().startsWith(needle) && candidate.match.toLowerCase().includes(needle));
  const seen = new Set<string>();
  return [...starting, ...containing]
    .filter((candidate) => !seen.has(candidate.insert) && seen.add(candidate.insert))
    .slice(0, MAX_SHOWN)
    .map(({ match: _, ...completion }) => completion);
}

/** Whether the list is worth showing: something other than exactly what is typed (a finished `error` needs no list). */
export function worthShowing(site: CompletionSite, completions: readonly Completion[]): boolean {
  return completions.some((completion) => completion.insert.trim().toLowerCase() !== site.typed.toLowerCase());
}

/** The text after choosing `completion`, and where the caret goes. */
export function applyCompletion(text: string, site: CompletionSite, completion: Completion): { text: string; caret: number } {
  const before = text.slice(0, site.from);
  const after = text.slice(site.to);
  let insert = completion.insert;
  // `{` `}` `"x"` `)` then a word: a blank between, as a person would type it.
  if (site.typed === '' && before !== '' && !/[\s(!]$/.test(before)) insert = ` ${insert}`;
  // A blank already after the word: the caret goes past it instead of writing a second.
  const caret = before.length + insert.length;
  if (insert.endsWith(' ') && /^\s/.test(after)) insert = insert.slice(0, -1);
  return { text: before + insert + after, caret };
}

function candidatesAt(site: CompletionSite, found: Discovered): { needle: string; candidates: Candidate[] } {
  const { context, typed } = site;
  const unquoted = typed.replace(/^["'`]/, '').toLowerCase();
  if (context.kind === 'condition' || context.kind === 'key') {
    // A scope typed (`span.`, `resource.db`, `.`, `span."a b`): the window's attribute names in it.
    const scope = SCOPE_PREFIXES.find(({ prefix }) => typed.startsWith(prefix));
    if (scope) {
      const trailing = context.kind === 'condition' ? ' ' : '';
      return { needle: typed.slice(scope.prefix.length).replace(/^["']/, '').toLowerCase(), candidates: attributes(found, scope.scope).map(({ name, count, scope: where }) => ({ label: attributeName(scope.prefix, name), insert: attributeName(scope.prefix, name) + trailing, cls: 'attribute', detail: tagDetail(where, count), match: name })) };
    }
  }
  return { needle: unquoted, candidates: candidatesFor(context, found, typed !== '') };
}

function candidatesFor(context: CompletionContext, found: Discovered, typing: boolean): Candidate[] {
  switch (context.kind) {
    case 'condition':
      return conditionStarts(context.place, found, typing);
    case 'operator':
      return operatorsOf(context.field).map((op) => word(op, 'operator', OP_ABOUT[op] ?? ''));
    case 'aggregate-operator':
      return COMPARISON_OPS.map((op) => word(op, 'operator', OP_ABOUT[op] ?? ''));
    case 'value':
      return valuesOf(context.field, context.op, found);
    case 'next':
      return joiners(context);
    case 'stage':
      return [
        ...AGGREGATES.map((fn) => ({ label: `${fn}()`, insert: fn === 'count' ? 'count() ' : `${fn}(`, cls: 'function' as const, detail: fn === 'count' ? 'spans per group' : `${fn} of a number per group`, match: fn })),
        { label: 'by()', insert: 'by(', cls: 'function', detail: 'group spans by a field', match: 'by' },
        { label: 'coalesce()', insert: 'coalesce() ', cls: 'function', detail: 'merge the groups', match: 'coalesce' },
        { label: 'select()', insert: 'select(', cls: 'function', detail: 'fields to show', match: 'select' },
        { label: '{ }', insert: '{ ', cls: 'punct', detail: 'keep spans meeting conditions', match: '{' },
        ...(context.metrics ? METRICS_FUNCTIONS.map(metricsFunction) : []),
      ];
    case 'grouping':
      return [{ label: 'by()', insert: 'by (', cls: 'function', detail: 'a series per group', match: 'by' }];
    case 'key':
      return context.of === 'number'
        ? [word('duration', 'field', 'span duration', ''), ...scopes(true)]
        : [...scopes(true), ...KNOWN_FIELDS.filter(groupable).map((known) => word(known.name, 'field', known.about, ''))];
    case 'argument':
      return (found.values ?? []).filter((value) => value.type === 'string').map(({ value, count }) => ({ ...word(quoteString(String(value)), 'string', spans(count), ''), match: String(value) }));
    case 'span-set':
      return [{ label: '{ }', insert: '{ ', cls: 'punct', detail: 'span set', match: '{' }];
    case 'none':
      return [];
  }
}

/** A metrics function, as it is first written: rate() whole, the others up to the number they take. */
function metricsFunction(fn: (typeof METRICS_FUNCTIONS)[number]): Candidate {
  const chart = 'a chart over time';
  switch (fn) {
    case 'rate':
      return { label: 'rate()', insert: 'rate() ', cls: 'function', detail: `spans per second, ${chart}`, match: fn };
    case 'count_over_time':
      return { label: 'count_over_time()', insert: 'count_over_time() ', cls: 'function', detail: `spans per step, ${chart}`, match: fn };
    case 'histogram_over_time':
      return { label: 'histogram_over_time()', insert: 'histogram_over_time(duration) ', cls: 'function', detail: `spans per duration bucket, ${chart}`, match: fn };
    case 'quantile_over_time':
      return { label: 'quantile_over_time()', insert: 'quantile_over_time(', cls: 'function', detail: 'quantiles of a number: (duration, .5, .99)', match: fn };
    default:
      return { label: `${fn}()`, insert: `${fn}(`, cls: 'function', detail: `${fn.replace('_over_time', '')} of a number per step`, match: fn };
  }
}

/** What may start a condition: a span set, scopes, fields, flags, X-Ray's functions; attribute names too once something is typed. */
function conditionStarts(place: Place, found: Discovered, typing: boolean): Candidate[] {
  const list: Candidate[] = [];
  if (place === 'trace') list.push({ label: '{ }', insert: '{ ', cls: 'punct', detail: 'span set: conditions on one span', match: '{' });
  list.push(...scopes());
  list.push(...KNOWN_FIELDS.filter((known) => known.offered).map((known) => word(known.name, 'field', known.about)));
  list.push({ label: ANNOTATION_PREFIX, insert: ANNOTATION_PREFIX, cls: 'scope', detail: 'X-Ray annotation', match: ANNOTATION_PREFIX });
  list.push(...FLAG_WORDS.map((flag) => word(flag, 'keyword', FLAG_ABOUT[flag] ?? 'flag')));
  if (place === 'trace') list.push(call('service', 'one span of a service'), call('edge', 'a call between two services'));
  list.push(call('peer', 'a call to an inferred peer'), word('NOT', 'logic', 'negation'));
  // `db.sy`: the attributes whose name holds it, with their scope.
  if (typing) for (const { name, count, scope } of attributes(found, null)) list.push({ label: attributeName(`${scope}.`, name), insert: `${attributeName(`${scope}.`, name)} `, cls: 'attribute', detail: tagDetail(scope, count), match: name });
  return list;
}

function operatorsOf(field: FieldRef): string[] {
  const known: KnownField | null = field.kind === 'known' ? field.field : null;
  if (known?.equalityOnly) return ['=', '!='];
  if (known?.type === 'duration' || known?.type === 'status-code' || known?.type === 'count') return ['>', '<', '>=', '<=', '=', '!='];
  if (known?.type === 'enum') return ['=', '!=', ...MATCH_OPS];
  if (known?.type === 'text') return ['=', '!=', ...MATCH_OPS, ...WORD_OPS];
  return ['=', '!=', ...MATCH_OPS, '>', '<', '>=', '<=', ...WORD_OPS];
}

function valuesOf(field: FieldRef, op: string, found: Discovered): Candidate[] {
  const matching = (MATCH_OPS as readonly string[]).includes(op);
  const quote = matching ? quotePattern : quoteString;
  if (field.kind === 'known' && field.field.values) {
    return field.field.values.map((value) => (matching ? { ...word(quote(value), 'string', field.field.about, ''), match: value } : word(value, 'keyword', field.field.about, '')));
  }
  const list: Candidate[] = [];
  for (const { type, value, count } of found.values ?? []) {
    if (type === 'string') list.push({ ...word(quote(String(value)), 'string', spans(count), ''), match: String(value) });
    else if (!matching) list.push(word(String(value), type === 'number' ? 'number' : 'keyword', spans(count), ''));
  }
  if (field.kind === 'attribute' && (op === '=' || op === '!=')) list.push(word('nil', 'keyword', op === '=' ? 'the attribute is absent' : 'the attribute is present', ''));
  return list;
}

function joiners(context: CompletionContext & { kind: 'next' }): Candidate[] {
  const list: Candidate[] = [];
  const close = context.closes === '}' ? [word('}', 'punct', 'end of the span set', '')] : context.closes === ')' ? [word(')', 'punct', 'end of the group', '')] : [];
  if (context.inPipeline) return [word('|', 'punct', 'another pipeline stage'), ...close];
  if (context.place === 'span') return [word('&&', 'logic', 'and, on the same span'), word('||', 'logic', 'or, on the same span'), ...close, word('AND', 'logic', 'and'), word('OR', 'logic', 'or')];
  if (context.afterScope) list.push({ label: '{ }', insert: '{ ', cls: 'punct', detail: 'conditions on one span of it', match: '{' });
  if (context.afterSet) {
    list.push(word('&&', 'logic', 'and'), word('||', 'logic', 'or'));
    list.push(...STRUCTURAL_OPS.map((op) => word(op, 'structural', structuralAbout(op))));
    if (context.pipeable) list.push(word('|', 'punct', 'pipeline: count(), by()…'));
  }
  list.push(word('AND', 'logic', 'and'), word('OR', 'logic', 'or'));
  if (!context.afterSet) list.push(word('&&', 'logic', 'and'), word('||', 'logic', 'or'));
  return [...list, ...close];
}

function structuralAbout(op: string): string {
  const base = STRUCTURAL_ABOUT[op.replace(/^[!&]/, '')] ?? '';
  if (op.startsWith('!')) return `right side is not ${base} the left`;
  if (op.startsWith('&')) return `both sides, where the right is ${base} the left`;
  return `right side is ${base} the left`;
}

/** The window's attribute names of a scope (null: both), most carried first. */
/** The window's attribute names in `scope` (any: the span's and the resource's; null: every scope). */
function attributes(found: Discovered, scope: AttributeScope | null): Array<{ name: string; count: number | null; scope: Exclude<TagScopeName, 'intrinsic'> }> {
  const list: Array<{ name: string; count: number | null; scope: Exclude<TagScopeName, 'intrinsic'> }> = [];
  for (const entry of found.tags ?? []) {
    if (entry.name === 'intrinsic') continue;
    if (scope === 'any' ? entry.name !== 'span' && entry.name !== 'resource' : scope !== null && scope !== entry.name) continue;
    for (const tag of entry.tags) list.push({ name: tag.name, count: tag.count, scope: entry.name });
  }
  if (scope === 'any') return list.filter((tag, i) => list.findIndex((other) => other.name === tag.name) === i);
  return list;
}

/** The scope prefixes; `grouping`: only those by() and aggregates take (one value per span). */
function scopes(grouping = false): Candidate[] {
  return SCOPE_PREFIXES.filter(({ scope }) => !grouping || !isNestedScope(scope)).map(({ prefix, about }) => ({ label: prefix, insert: prefix, cls: 'scope', detail: about, match: prefix }));
}

/** A text field by() can group by (the parser's spanKey: not the account, not the trace's status). */
function groupable(known: KnownField): boolean {
  return known.offered && (known.type === 'text' || known.type === 'enum') && !known.name.includes(':') && known.name !== 'account' && known.name !== 'trace.status';
}

const spans = (count: number): string => `${count} span${count === 1 ? '' : 's'}`;

function tagDetail(scope: string, count: number | null): string {
  return `${scope} attribute${count === null ? '' : ` · ${spans(count)}`}`;
}

/** A candidate written as shown, then `after` (a blank, so the next list opens). */
function word(text: string, cls: TokenClass, detail: string, after = ' '): Candidate {
  return { label: text, insert: text + after, cls, detail, match: text };
}

function call(fn: string, detail: string): Candidate {
  return { label: `${fn}()`, insert: `${fn}(`, cls: 'function', detail, match: fn };
}

const OP_ABOUT: Readonly<Record<string, string>> = {
  '=': 'equals',
  '!=': 'differs from',
  '>': 'greater than',
  '<': 'less than',
  '>=': 'at least',
  '<=': 'at most',
  '=~': 'matches the regular expression (RE2, whole value)',
  '!~': 'does not match the regular expression',
  CONTAINS: 'contains the text',
  BEGINSWITH: 'begins with the text',
  ENDSWITH: 'ends with the text',
};

const FLAG_ABOUT: Readonly<Record<string, string>> = {
  fault: 'some span failed: a 5xx, or an error status',
  error: 'some span had a 4xx',
  throttle: 'some span was throttled (429)',
  ok: 'some span neither failed nor erred',
};
