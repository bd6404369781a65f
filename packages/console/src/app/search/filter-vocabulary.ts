import { SPAN_KINDS, STATUS_CODES, TRACE_STATUSES } from '@stitch/model';
import { FLAGS, INTRINSIC_NAMES, parseFieldName, TEXT_FIELDS } from '@stitch/query';

/**
 * The words of the filter language the box colours and offers, both dialects. The parser
 * (packages/query/src/parser.ts) keeps its tables private; filter-vocabulary.test.ts holds each
 * entry here against parseFilter, so a word the parser drops or renames fails a test.
 */

/** What a field's value is, which decides its operators and the values offered. */
export type FieldType = 'duration' | 'status-code' | 'count' | 'text' | 'enum' | 'id';

export interface KnownField {
  /** As offered (the parser ignores case in field names). */
  name: string;
  type: FieldType;
  /** The words an enum takes. */
  values?: readonly string[];
  /** Only = and != (trace.status). */
  equalityOnly?: true;
  /** The name the discovery API lists its values by (a name by() takes); none for numbers and the account. */
  tag?: string;
  about: string;
  /** Offered as a completion; a spelling kept for compatibility is only coloured. */
  offered: boolean;
}

const field = (name: string, type: FieldType, about: string, extra: Partial<KnownField> = {}): KnownField => ({ name, type, about, offered: true, ...extra });

/** TraceQL's intrinsics first (the shorter names), then X-Ray's fields: each with its type. */
const TYPED_FIELDS: readonly KnownField[] = [
  field('name', 'text', 'span name', { tag: 'name' }),
  field('status', 'enum', 'span status', { values: STATUS_CODES }),
  field('kind', 'enum', 'span kind', { values: SPAN_KINDS }),
  field('duration', 'duration', 'span duration (the trace\u2019s, outside braces)'),
  field('statusMessage', 'text', 'span status message', { tag: 'statusMessage' }),
  field('span:name', 'text', 'span name', { tag: 'name' }),
  field('span:status', 'enum', 'span status', { values: STATUS_CODES }),
  field('span:kind', 'enum', 'span kind', { values: SPAN_KINDS }),
  field('span:duration', 'duration', 'span duration'),
  field('span:statusMessage', 'text', 'span status message', { tag: 'statusMessage' }),
  field('trace:duration', 'duration', 'whole trace, first start to last end'),
  field('traceDuration', 'duration', 'whole trace', { offered: false }),
  field('trace.status', 'enum', 'what the trace\u2019s caller saw', { values: TRACE_STATUSES, equalityOnly: true }),
  field('responsetime', 'duration', 'the root span\u2019s duration'),
  field('http.status', 'status-code', 'HTTP status code'),
  field('http.method', 'text', 'HTTP method', { tag: 'http.method' }),
  field('http.route', 'text', 'HTTP route', { tag: 'http.route' }),
  field('http.url', 'text', 'HTTP URL', { tag: 'http.url' }),
  field('account', 'text', 'account id or label'),
  field('status.message', 'text', 'span status message', { tag: 'status.message' }),
  field('span:id', 'id', 'span id (hex)', { equalityOnly: true }),
  field('span:parentID', 'id', 'parent span id (hex)', { equalityOnly: true }),
  field('trace:id', 'id', 'trace id (hex)', { equalityOnly: true }),
  field('span:childCount', 'count', 'spans with this one as their parent'),
  field('event:name', 'text', 'name of one of the span\u2019s events'),
  field('event:timeSinceStart', 'duration', 'one event\u2019s time since the span\u2019s start'),
  field('link:traceID', 'id', 'trace id of one of the span\u2019s links', { equalityOnly: true }),
  field('link:spanID', 'id', 'span id of one of the span\u2019s links', { equalityOnly: true }),
];

/** Whether the discovery API can list a name's values: it reads names as by() does (parseFieldName). */
function hasValues(name: string): boolean {
  try {
    parseFieldName(name);
    return true;
  } catch {
    return false;
  }
}

const typedNames = new Set(TYPED_FIELDS.map((known) => known.name.toLowerCase()));
/** A field the parser names (INTRINSIC_NAMES, TEXT_FIELDS) that the table does not type yet is offered as text, the commonest. */
const LATER_FIELDS = [...new Set([...INTRINSIC_NAMES, ...TEXT_FIELDS])]
  .filter((name) => !typedNames.has(name.toLowerCase()))
  .map((name) => field(name, 'text', 'field', hasValues(name) ? { tag: name } : {}));

export const KNOWN_FIELDS: readonly KnownField[] = [...TYPED_FIELDS, ...LATER_FIELDS];

const FIELDS_BY_NAME = new Map(KNOWN_FIELDS.map((known) => [known.name.toLowerCase(), known]));

export function knownField(word: string): KnownField | undefined {
  return FIELDS_BY_NAME.get(word.toLowerCase());
}

/** Where an attribute is looked up, and the prefix that says so. */
export type AttributeScope = 'span' | 'resource' | 'any' | 'event' | 'link';
export const SCOPE_PREFIXES: ReadonlyArray<{ prefix: 'span.' | 'resource.' | '.' | 'event.' | 'link.'; scope: AttributeScope; about: string }> = [
  { prefix: 'span.', scope: 'span', about: 'span attribute' },
  { prefix: 'resource.', scope: 'resource', about: 'resource attribute' },
  { prefix: '.', scope: 'any', about: 'span or resource attribute' },
  { prefix: 'event.', scope: 'event', about: 'attribute of one of the span\u2019s events' },
  { prefix: 'link.', scope: 'link', about: 'attribute of one of the span\u2019s links' },
];
/** Scopes with many values per span (events, links): compared, never grouped by or aggregated. */
export const isNestedScope = (scope: AttributeScope): boolean => scope === 'event' || scope === 'link';
/** X-Ray's annotations: `annotation.order_id`. */
export const ANNOTATION_PREFIX = 'annotation.';

export const COMPARISON_OPS = ['=', '!=', '<', '<=', '>', '>='] as const;
export const MATCH_OPS = ['=~', '!~'] as const;
/** X-Ray's text operators, as words (the parser ignores their case). */
export const WORD_OPS = ['CONTAINS', 'BEGINSWITH', 'ENDSWITH'] as const;
/** Relations between span sets: `{ a } >> { b }`. `>` `<` `!~` are also comparisons; the token before decides. */
export const STRUCTURAL_OPS = ['>>', '>', '<<', '<', '~', '!>>', '!>', '!<<', '!<', '!~', '&>>', '&>', '&<<', '&<', '&~'] as const;
export const STRUCTURAL_ABOUT: Readonly<Record<string, string>> = { '>>': 'a descendant of', '>': 'a child of', '<<': 'an ancestor of', '<': 'the parent of', '~': 'a sibling of' };

export const LOGIC_WORDS = ['and', 'or', 'not'] as const;
export const LOGIC_PUNCT = ['&&', '||', '!'] as const;

/** Conditions X-Ray writes as one word: some span has a fault, an error… */
export const FLAG_WORDS: readonly string[] = FLAGS;
/** Values that are words in every type: an absent attribute, booleans. */
export const VALUE_WORDS = ['nil', 'true', 'false'] as const;

/** Functions of a pipeline: aggregates compare a number, the others shape the groups. */
export const AGGREGATES = ['count', 'avg', 'min', 'max', 'sum'] as const;
export const STAGE_FUNCTIONS = ['by', 'coalesce', 'select'] as const;
/** X-Ray's functions with quoted arguments. */
export const SCOPE_FUNCTIONS = ['service', 'edge', 'peer'] as const;
/** `with (most_recent=true)`: TraceQL's hints. */
export const HINTS_WORD = 'with';

/** What a metrics query computes over one span set's spans (`{ } | rate() by (…)`); all but the first two take a number. */
export const METRICS_FUNCTIONS = ['rate', 'count_over_time', 'avg_over_time', 'min_over_time', 'max_over_time', 'sum_over_time', 'quantile_over_time', 'histogram_over_time'] as const;

const FUNCTION_NAMES = new Set<string>([...AGGREGATES, ...STAGE_FUNCTIONS, ...SCOPE_FUNCTIONS, ...METRICS_FUNCTIONS, HINTS_WORD]);
export const isFunctionName = (word: string): boolean => FUNCTION_NAMES.has(word.toLowerCase());

/** What a word of a condition compares: a field the language names, an attribute, or an X-Ray annotation. */
export type FieldRef = { kind: 'known'; field: KnownField } | { kind: 'attribute'; scope: AttributeScope; prefix: string; key: string } | { kind: 'annotation'; key: string };

/** The field a word names, as the parser reads it (`quoted`: the lexer's `span."a b"`); null for a word that is none. */
export function fieldOf(word: string, quoted = false): FieldRef | null {
  const known = quoted ? undefined : knownField(word);
  if (known) return { kind: 'known', field: known };
  if (word.startsWith(ANNOTATION_PREFIX)) return { kind: 'annotation', key: word.slice(ANNOTATION_PREFIX.length) };
  for (const { prefix, scope } of SCOPE_PREFIXES) if (word.startsWith(prefix)) return { kind: 'attribute', scope, prefix, key: word.slice(prefix.length) };
  // X-Ray's side: any other dotted name is an attribute of the span or its resource.
  return word.includes('.') || quoted ? { kind: 'attribute', scope: 'any', prefix: '', key: word } : null;
}
