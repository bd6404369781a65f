import { DURATION_UNIT_NANOS, MAX_DURATION_NANOS, nanos, SPAN_KINDS, STATUS_CODES, TRACE_STATUSES, type TraceStatus } from '@stitch/model';
import {
  AGGREGATE_FUNCTIONS,
  FLAGS,
  ID_FIELDS,
  LINK_ID_FIELDS,
  METRIC_FUNCTIONS,
  MATCH_OPS,
  ORDER_OPS,
  STRUCTURAL_OPS,
  TEXT_FIELDS,
  TEXT_OPS,
  type AggregateCondition,
  type AggregateFunction,
  type AttributeScope,
  type CompareExpr,
  type CompareOp,
  type Flag,
  type FilterExpr,
  type IdField,
  type LinkIdField,
  type NestedScope,
  type MetricsQuery,
  type PipelineExpr,
  type SpanKey,
  type SpanNumber,
  type SpanSource,
  type StructuralOp,
  type TextField,
  type TraceStatusExpr,
} from './ast.ts';
import { FilterSyntaxError } from './filter-syntax-error.ts';
import { tokenize, type Token } from './lexer.ts';
import { patternProblem } from './regex.ts';

/** Longer expressions, deeper nesting or more conditions are refused: a filter is typed by a person. */
export const FILTER_LIMITS = { maxLength: 4096, maxDepth: 32, maxConditions: 128 } as const;

const WORD_OPS: Record<string, CompareOp> = { contains: 'contains', beginswith: 'beginswith', endswith: 'endswith' };
const SCOPES = new Set(['service', 'edge']);
/** The trace-level field for what the trace's caller saw (ast.ts). */
export const TRACE_STATUS_FIELD = 'trace.status';
/** Fields with TraceQL's names (lower-cased) and the field each is here. */
const INTRINSICS: Record<string, 'duration' | TextField> = {
  'span:duration': 'duration',
  'span:name': 'name',
  'span:kind': 'kind',
  'span:status': 'status',
  statusmessage: 'status.message',
  'span:statusmessage': 'status.message',
  'instrumentation:name': 'scope.name',
  'instrumentation:version': 'scope.version',
};
/** TraceQL's names for the trace's root's name and service. */
const TRACE_ROOT_FIELDS: Record<string, 'name' | 'service'> = { 'trace:rootname': 'name', rootname: 'name', 'trace:rootservice': 'service', rootservicename: 'service' };
/** TraceQL's names for the whole trace's duration. */
const TRACE_DURATION_FIELDS = new Set(['trace:duration', 'traceduration']);
/** Scopes of attributes: `span.http.route`, `resource.deployment.environment`; `.key` is either; an event's or a link's. */
const ATTRIBUTE_PREFIXES: ReadonlyArray<[string, AttributeScope | NestedScope]> = [
  ['span.', 'span'],
  ['resource.', 'resource'],
  ['event.', 'event'],
  ['link.', 'link'],
  ['.', 'any'],
];
/** Text fields whose values are a fixed set of words, which may be written without quotes (`kind = server`). */
const ENUM_FIELDS: Partial<Record<TextField, readonly string[]>> = { kind: SPAN_KINDS, status: STATUS_CODES };

/** TraceQL's scopes this language does not search yet: refused, not read as a dotted attribute name. */
const UNSEARCHED_SCOPES = ['instrumentation.', 'parent.'];
/** Arithmetic on literal numbers (Parser.arithmetic). */
const ARITHMETIC = ['+', '-', '*', '/', '%', '^'];
/** TraceQL's minInt and maxInt: the 64-bit extremes, as the doubles attributes are compared as. */
const INTEGER_EXTREMES: Record<string, number> = { minint: -(2 ** 63), maxint: 2 ** 63 - 1 };

/** Where a condition is: about the trace, inside the braces of `{ }`, service() or edge() (one span). */
type Place = 'trace' | 'span';

/**
 * Parses a filter expression: X-Ray's language (`duration > 8 AND service("payments") { fault }`)
 * and TraceQL's span sets (`{ span.db.system = "redis" && duration > 50ms } || { status = error }`)
 * in one grammar, to one tree. Throws FilterSyntaxError pointing at the column at fault; the
 * result is fully typed, so the stores compile it without checking anything again.
 */
export function parseFilter(text: string): FilterExpr {
  if (text.length > FILTER_LIMITS.maxLength) {
    throw new FilterSyntaxError(`the expression is longer than ${FILTER_LIMITS.maxLength} characters`, FILTER_LIMITS.maxLength + 1);
  }
  const parser = new Parser(tokenize(text));
  const expr = parser.query();
  const rest = parser.peek();
  if (rest.kind !== 'end') throw new FilterSyntaxError(`expected AND, OR or the end of the expression, found ${describe(rest)}`, rest.column);
  return expr;
}

/** A metrics query: one `{ }`, then `| fn(…)` and `by (…)` (ast.ts's MetricsQuery). */
export function parseMetricsQuery(text: string): MetricsQuery {
  if (text.length > FILTER_LIMITS.maxLength) {
    throw new FilterSyntaxError(`the query is longer than ${FILTER_LIMITS.maxLength} characters`, FILTER_LIMITS.maxLength + 1);
  }
  const parser = new Parser(tokenize(text));
  const query = parser.metricsQuery();
  const rest = parser.peek();
  if (rest.kind !== 'end') throw new FilterSyntaxError(`expected by (…) or the end of the query, found ${describe(rest)}`, rest.column);
  return query;
}

/**
 * A field or attribute as the language writes it (`resource.service.name`, `span.db.system`,
 * `.region`, `span:name`, `status`, `http.route`): what by() groups by and discovery lists values of.
 */
export function parseFieldName(text: string): SpanKey {
  const parser = new Parser(tokenize(text.slice(0, FILTER_LIMITS.maxLength)));
  const key = parser.fieldName();
  const rest = parser.peek();
  if (rest.kind !== 'end') throw new FilterSyntaxError(`expected one field name, found ${describe(rest)} after it`, rest.column);
  return key;
}

/** The fields every span has, by the names the language knows them (both dialects'), for completions. */
export const INTRINSIC_NAMES: readonly string[] = [
  'name', 'status', 'statusMessage', 'kind', 'duration', 'span:name', 'span:status', 'span:statusMessage', 'span:kind', 'span:duration',
  'trace:duration', 'traceDuration', 'trace:rootName', 'trace:rootService', 'responsetime', 'trace.status', 'instrumentation:name', 'instrumentation:version', 'span:id', 'span:parentID', 'trace:id', 'span:childCount', 'event:name', 'event:timeSinceStart', 'link:traceID', 'link:spanID', 'http.method', 'http.route', 'http.url', 'http.status', 'account', 'status.message',
];

class Parser {
  private index = 0;
  private depth = 0;
  private conditions = 0;
  /** Conditions about the whole trace written inside braces (`{ trace:duration > 2s && … }`), to be lifted out of them. */
  private readonly lifted = new Set<FilterExpr>();

  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    const token = this.tokens[this.index]!;
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private isWord(token: Token, word: string): boolean {
    return token.kind === 'word' && token.text.toLowerCase() === word;
  }

  /** A comparison operator: what follows a field, unless the field stands alone (a bare boolean attribute). */
  private isOperator(token: Token): boolean {
    if (token.kind === 'word') return WORD_OPS[token.text.toLowerCase()] !== undefined;
    return token.kind === 'punct' && ([...ORDER_OPS, ...MATCH_OPS] as readonly string[]).includes(token.text);
  }

  private isPunct(token: Token, text: string): boolean {
    return token.kind === 'punct' && token.text === text;
  }

  private expect(text: string, what: string): Token {
    const token = this.next();
    if (!this.isPunct(token, text)) throw new FilterSyntaxError(`expected ${what}, found ${describe(token)}`, token.column);
    return token;
  }

  /** The whole query: an expression, its pipeline, and TraceQL's hints (`with (most_recent=true)`), which change nothing here. */
  query(): FilterExpr {
    const expr = this.piped();
    if (this.isWord(this.peek(), 'with') && this.isPunct(this.tokens[this.index + 1]!, '(')) {
      this.next();
      this.next();
      do {
        const name = this.next();
        if (name.kind !== 'word') throw new FilterSyntaxError(`expected a hint's name (most_recent), found ${describe(name)}`, name.column);
        this.expect('=', `"=" after the hint ${name.text}`);
        const value = this.next();
        if (value.kind === 'end' || value.kind === 'punct') throw new FilterSyntaxError(`expected the value of the hint ${name.text}, found ${describe(value)}`, value.column);
      } while (this.isPunct(this.peek(), ',') && this.next());
      this.expect(')', 'a closing ")" after the hints');
    }
    return expr;
  }

  /** An expression about the trace, then any pipeline stages (`| count() > 3`) over its span set. */
  private piped(): FilterExpr {
    const first = this.peek();
    if (first.kind === 'word' && AGGREGATE_FUNCTIONS.includes(first.text.toLowerCase() as AggregateFunction) && this.isPunct(this.tokens[this.index + 1]!, '(')) {
      // `count() > 10` alone: over every span of the trace.
      return this.stages({ type: 'pipeline', column: first.column, spans: null, by: null, conditions: [this.aggregate()] }, []);
    }
    const expr = this.expression('trace');
    if (!this.isPunct(this.peek(), '|')) return expr;
    // The pipeline's input is one { }; trace-level conditions lifted out of it stay beside the pipeline.
    const conjuncts = andOperands(expr);
    const sets = conjuncts.filter((part) => part.type === 'spanSet');
    const lifted = conjuncts.filter((part) => this.lifted.has(part));
    if (sets.length !== 1 || sets.length + lifted.length !== conjuncts.length) {
      throw new FilterSyntaxError('a pipeline (|) takes one { } span set: put span sets joined by && or || in parentheses before it', this.peek().column);
    }
    return this.stages({ type: 'pipeline', column: expr.column, spans: (sets[0] as FilterExpr & { type: 'spanSet' }).body, by: null, conditions: [] }, lifted);
  }

  /** `| { e }`, `| by(f)`, `| coalesce()`, `| select(…)` and `| count() > 3` stages, onto `pipeline`. */
  private stages(pipeline: PipelineExpr, lifted: FilterExpr[]): FilterExpr {
    while (this.isPunct(this.peek(), '|')) {
      this.next();
      const token = this.next();
      const word = token.kind === 'word' ? token.text.toLowerCase() : '';
      if (this.isPunct(token, '{')) {
        if (pipeline.by !== null || pipeline.conditions.length > 0) throw new FilterSyntaxError('a { } stage must come before by() and the aggregates', token.column);
        const stage = this.spanSet(token);
        if (stage.type !== 'spanSet') throw new FilterSyntaxError('a { } stage of a pipeline cannot hold conditions on the whole trace', token.column);
        if (stage.body !== null) pipeline.spans = pipeline.spans === null ? stage.body : { type: 'and', column: stage.column, left: pipeline.spans, right: stage.body };
      } else if (word === 'by') {
        if (pipeline.conditions.length > 0) throw new FilterSyntaxError('by() must come before the aggregates it groups', token.column);
        this.expect('(', 'a "(" after by');
        pipeline.by = this.spanKey();
        this.expect(')', 'a closing ")" after the field of by()');
      } else if (word === 'coalesce') {
        this.expect('(', 'a "(" after coalesce');
        this.expect(')', 'a closing ")" after coalesce(');
        // Merging the groups back: before an aggregate it undoes by(); after, any group that met them is the trace's.
        if (pipeline.conditions.length === 0) pipeline.by = null;
      } else if (word === 'select') {
        // Which fields to show of each span: a search answers with whole traces, so nothing to filter.
        this.expect('(', 'a "(" after select');
        do this.spanKey();
        while (this.isPunct(this.peek(), ',') && this.next());
        this.expect(')', 'a closing ")" after the fields of select()');
      } else if (AGGREGATE_FUNCTIONS.includes(word as AggregateFunction)) {
        this.index--;
        pipeline.conditions.push(this.aggregate());
      } else {
        throw new FilterSyntaxError(`expected a pipeline stage after | (count(), avg(), min(), max(), sum(), by(), coalesce(), select() or { }), found ${describe(token)}`, token.column);
      }
    }
    const after = this.peek();
    if (this.isWord(after, 'and') || this.isWord(after, 'or') || this.isPunct(after, '&&') || this.isPunct(after, '||')) {
      throw new FilterSyntaxError('a pipeline ends the expression it is in: put it in parentheses to join it with others, ({ … } | count() > 2) && { … }', after.column);
    }
    // Without an aggregate a pipeline only asks that some span enters it: a span set.
    const result: FilterExpr = pipeline.conditions.length > 0 ? pipeline : { type: 'spanSet', column: pipeline.column, body: pipeline.spans };
    return allOf([result, ...lifted]);
  }

  /** `count() > 3`, `avg(duration) > 20ms`, `sum(span.bytes) >= 1e9`. */
  private aggregate(): AggregateCondition {
    const token = this.next() as Token & { kind: 'word' };
    const fn = token.text.toLowerCase() as AggregateFunction;
    if (++this.conditions > FILTER_LIMITS.maxConditions) throw new FilterSyntaxError(`more than ${FILTER_LIMITS.maxConditions} conditions`, token.column);
    this.expect('(', `a "(" after ${fn}`);
    const of = fn === 'count' ? null : this.spanNumber(fn);
    this.expect(')', `a closing ")" after ${fn}(`);
    const opToken = this.next();
    const op = opToken.kind === 'punct' ? ORDER_OPS.find((o) => o === opToken.text) : undefined;
    if (op === undefined) throw new FilterSyntaxError(`expected a comparison after ${fn}() (=, !=, <, <=, >, >=), found ${describe(opToken)}`, opToken.column);
    const valueToken = this.next();
    if (valueToken.kind !== 'number') throw new FilterSyntaxError(`expected a number after ${op}, found ${describe(valueToken)}`, valueToken.column);
    let value = valueToken.value;
    if (of?.kind === 'duration') {
      const scale = DURATION_UNIT_NANOS[valueToken.unit ?? 's'];
      if (scale === undefined) throw new FilterSyntaxError(`unknown duration unit "${valueToken.unit}" (use ns, us, ms, s, m or h)`, valueToken.column);
      value *= scale;
    } else if (valueToken.unit !== null) {
      throw new FilterSyntaxError(`${fn}() of ${of === null ? 'spans' : 'an attribute'} is a plain number, not ${valueToken.text}`, valueToken.column);
    }
    if (!Number.isFinite(value)) throw new FilterSyntaxError(`${valueToken.text} is out of range`, valueToken.column);
    return { column: token.column, fn, of, op, value };
  }

  fieldName(): SpanKey {
    return this.spanKey();
  }

  metricsQuery(): MetricsQuery {
    const first = this.next();
    if (!this.isPunct(first, '{')) throw new FilterSyntaxError(`a metrics query starts with the spans it counts, in { } ({ } for all), found ${describe(first)}`, first.column);
    const set = this.spanSet(first);
    if (set.type !== 'spanSet') throw new FilterSyntaxError('a metrics query counts spans: its { } takes conditions on one span, not the whole trace', first.column);
    this.expect('|', 'a "|" and a metrics function (rate(), count_over_time(), quantile_over_time(duration, .99)…) after the { }');
    const fnToken = this.next();
    const fn = fnToken.kind === 'word' ? (METRIC_FUNCTIONS.find((name) => name === fnToken.text.toLowerCase()) ?? null) : null;
    if (fn === null) throw new FilterSyntaxError(`expected a metrics function (${METRIC_FUNCTIONS.join(', ')}), found ${describe(fnToken)}`, fnToken.column);
    this.expect('(', `a "(" after ${fn}`);
    let of: SpanNumber | null = null;
    const quantiles: number[] = [];
    if (fn !== 'rate' && fn !== 'count_over_time') {
      of = this.spanNumber(fn);
      if (fn === 'histogram_over_time' && of.kind !== 'duration') throw new FilterSyntaxError('histogram_over_time() counts durations: histogram_over_time(duration)', fnToken.column);
      if (fn === 'quantile_over_time') {
        do {
          this.expect(',', 'a "," and a quantile (.5, .99) after the field');
          const q = this.next();
          if (q.kind !== 'number' || q.unit !== null || !(q.value >= 0 && q.value <= 1)) throw new FilterSyntaxError(`expected a quantile from 0 to 1 (.5, .99), found ${describe(q)}`, q.column);
          quantiles.push(q.value);
        } while (this.isPunct(this.peek(), ','));
      }
    }
    this.expect(')', `a closing ")" after ${fn}(`);
    const by: SpanKey[] = [];
    if (this.isWord(this.peek(), 'by')) {
      this.next();
      this.expect('(', 'a "(" after by');
      do by.push(this.spanKey());
      while (this.isPunct(this.peek(), ',') && this.next());
      this.expect(')', 'a closing ")" after the fields of by');
    }
    let rank: MetricsQuery['rank'] = null;
    if (this.isPunct(this.peek(), '|')) {
      this.next();
      const stage = this.next();
      const name = stage.kind === 'word' ? stage.text.toLowerCase() : '';
      if (name !== 'topk' && name !== 'bottomk') throw new FilterSyntaxError(`expected topk(n) or bottomk(n) after |, found ${describe(stage)}`, stage.column);
      this.expect('(', `a "(" after ${name}`);
      const n = this.next();
      if (n.kind !== 'number' || n.unit !== null || !Number.isInteger(n.value) || n.value < 1) throw new FilterSyntaxError(`expected how many series ${name}() keeps (a whole number from 1), found ${describe(n)}`, n.column);
      this.expect(')', `a closing ")" after ${name}(`);
      rank = { fn: name, n: n.value };
    }
    return { spans: set.body, fn, of, quantiles, by, rank };
  }

  /** `duration`, `span:duration`, or a numeric attribute: what `what` aggregates. */
  private spanNumber(what: string): SpanNumber {
    const field = this.next();
    const name = field.kind === 'word' ? field.text.toLowerCase() : '';
    if (name === 'duration' || name === 'span:duration') return { kind: 'duration' };
    const attribute = field.kind === 'word' ? spanAttributeOf(field) : null;
    if (attribute !== null && attribute.key !== '') return { kind: 'attribute', ...attribute };
    throw new FilterSyntaxError(`expected what ${what}() aggregates (duration, or a numeric attribute such as span.db.rows), found ${describe(field)}`, field.column);
  }

  /** A field by() groups by, or select() shows: a text field of the span or an attribute. */
  private spanKey(): SpanKey {
    const token = this.next();
    if (token.kind !== 'word') throw new FilterSyntaxError(`expected a field (name, status, kind, or an attribute such as resource.service.name), found ${describe(token)}`, token.column);
    const word = token.text.toLowerCase();
    const field = token.quoted ? undefined : (INTRINSICS[word] ?? (TEXT_FIELDS as readonly string[]).find((known) => known === word));
    if (field !== undefined && field !== 'duration' && field !== 'account') return { kind: 'field', field: field as Exclude<TextField, 'account'> };
    const attribute = spanAttributeOf(token);
    if (attribute === null || attribute.key === '') throw new FilterSyntaxError(`"${token.text}" is not a text field of a span (name, status, kind, status.message, http.method, http.route, http.url) or an attribute (span.db.system)`, token.column);
    return isServiceName(attribute) ? { kind: 'field', field: 'service' } : { kind: 'attribute', ...attribute };
  }

  expression(place: Place): FilterExpr {
    const ands: number[] = [];
    let left = this.conjunction(place, ands);
    let firstOr: number | null = null;
    while (this.isWord(this.peek(), 'or') || this.isPunct(this.peek(), '||')) {
      const token = this.next();
      if (token.kind === 'punct') firstOr ??= token.column;
      left = { type: 'or', column: token.column, left, right: this.conjunction(place, ands) };
    }
    // TraceQL gives && and || one precedence, left to right; here && binds tighter, as AND does.
    // Unparenthesised, the same text would mean two things: it is refused rather than guessed.
    if (firstOr !== null && ands.length > 0) throw new FilterSyntaxError('&& and || together need parentheses: write (a && b) || c or a && (b || c)', Math.min(firstOr, ands[0]!));
    return left;
  }

  /** `ands`: where each && of this level is, for expression()'s check. */
  private conjunction(place: Place, ands: number[]): FilterExpr {
    let left = this.unary(place);
    while (this.isWord(this.peek(), 'and') || this.isPunct(this.peek(), '&&')) {
      const token = this.next();
      if (token.kind === 'punct') ands.push(token.column);
      left = { type: 'and', column: token.column, left, right: this.unary(place) };
    }
    return left;
  }

  private unary(place: Place): FilterExpr {
    const token = this.peek();
    if (this.isWord(token, 'not') || this.isPunct(token, '!')) {
      this.next();
      return this.nested(token, () => ({ type: 'not', column: token.column, expr: this.unary(place) }));
    }
    return this.primary(place);
  }

  private nested<T>(token: Token, parse: () => T): T {
    if (++this.depth > FILTER_LIMITS.maxDepth) throw new FilterSyntaxError(`nested deeper than ${FILTER_LIMITS.maxDepth} levels`, token.column);
    const result = parse();
    this.depth--;
    return result;
  }

  private primary(place: Place): FilterExpr {
    const token = this.next();
    if (this.isPunct(token, '(')) {
      const expr = this.nested(token, () => (place === 'trace' ? this.piped() : this.expression(place)));
      this.expect(')', 'a closing ")"');
      return place === 'trace' ? this.structure(expr) : expr;
    }
    if (this.isPunct(token, '{')) {
      if (place === 'span') throw new FilterSyntaxError('{ } cannot be used inside braces: write the conditions on one span in one { }', token.column);
      return this.structure(this.spanSet(token));
    }
    if (token.kind !== 'word') {
      throw new FilterSyntaxError(`expected a condition (for example duration > 8, fault, service("payments"), { span.db.system = "redis" }), found ${describe(token)}`, token.column);
    }
    if (++this.conditions > FILTER_LIMITS.maxConditions) throw new FilterSyntaxError(`more than ${FILTER_LIMITS.maxConditions} conditions`, token.column);
    if (token.quoted) return this.comparison(token, null);
    const word = token.text.toLowerCase();
    if (SCOPES.has(word)) {
      if (place === 'span') throw new FilterSyntaxError(`${word}() cannot be used inside braces`, token.column);
      return word === 'service' ? this.service(token) : this.edge(token);
    }
    if ((FLAGS as readonly string[]).includes(word)) return { type: 'flag', column: token.column, flag: word as Flag };
    if (word === TRACE_STATUS_FIELD) return this.aboutTrace(place, this.traceStatus(token));
    if (TRACE_DURATION_FIELDS.has(word)) return this.aboutTrace(place, this.comparison(token, 'duration'));
    const root = TRACE_ROOT_FIELDS[word];
    if (root !== undefined) {
      const { op, value } = this.comparison(token, 'name') as CompareExpr & { value: string };
      return this.aboutTrace(place, { type: 'traceRoot', column: token.column, field: root, op, value });
    }
    if (word === 'peer' && this.isPunct(this.peek(), '(')) return this.peer(token);
    const id = [...ID_FIELDS, ...LINK_ID_FIELDS].find((field) => field.toLowerCase() === word);
    if (id !== undefined) return this.idComparison(token, id);
    if (word === 'event:name') return this.comparison(token, 'event:name');
    if (word === 'event:timesincestart') return this.comparison(token, 'event:timeSinceStart');
    if (word === 'span:childcount') return this.comparison(token, 'span:childCount');
    if (/^(event|link):/.test(word)) {
      throw new FilterSyntaxError(`${token.text} is not searchable (known: event:name, event:timeSinceStart, link:traceID, link:spanID)`, token.column);
    }
    const intrinsic = INTRINSICS[word];
    if (intrinsic !== undefined) {
      const compare = this.comparison(token, intrinsic);
      // A condition on one span's own figure, written outside braces: some span meets it.
      return place === 'trace' && intrinsic === 'duration' ? { type: 'spanSet', column: token.column, body: compare } : compare;
    }
    return this.comparison(token, null);
  }

  /** A trace-level condition; inside braces it is marked to be lifted out of them (liftedOut). */
  private aboutTrace(place: Place, expr: FilterExpr): FilterExpr {
    if (place === 'span') this.lifted.add(expr);
    return expr;
  }

  /**
   * The body of braces, with the trace-level conditions ANDed at its top lifted out: `{ a && trace:duration > 2s }`
   * is `{ a } && trace:duration > 2s`. Elsewhere (under OR or NOT) they cannot be, and are refused.
   */
  private scoped(token: Token, wrap: (body: FilterExpr | null) => FilterExpr, anySpanWhenEmpty = false): FilterExpr {
    const body = this.nested(token, () => this.expression('span'));
    this.expect('}', 'a closing "}"');
    if (this.liftedWithin(body) === null) return wrap(body);
    const conjuncts = andOperands(body);
    const lifted = conjuncts.filter((expr) => this.lifted.has(expr));
    const rest = conjuncts.filter((expr) => !this.lifted.has(expr));
    const buried = rest.map((expr) => this.liftedWithin(expr)).find((expr) => expr !== null);
    if (buried) throw new FilterSyntaxError('a condition on the whole trace inside braces can only be joined with AND (&&): move it out of the braces', buried.column);
    const spanPart = rest.length === 0 ? null : allOf(rest);
    // `{ trace:duration > 2s }` is the trace's condition alone: every stored trace has a span.
    return allOf(spanPart === null && anySpanWhenEmpty ? lifted : [wrap(spanPart), ...lifted]);
  }

  private liftedWithin(expr: FilterExpr): FilterExpr | null {
    if (this.lifted.has(expr)) return expr;
    if (expr.type === 'and' || expr.type === 'or') return this.liftedWithin(expr.left) ?? this.liftedWithin(expr.right);
    if (expr.type === 'not') return this.liftedWithin(expr.expr);
    return null;
  }

  /** `left >> { b } ~ { c }…`: structural operators after a span set, left to right; `left` alone when none follows. */
  private structure(left: FilterExpr): FilterExpr {
    let result = left;
    for (let token = this.peek(); token.kind === 'punct' && (STRUCTURAL_OPS as readonly string[]).includes(token.text); token = this.peek()) {
      this.next();
      const operand = this.next();
      let right: FilterExpr;
      if (this.isPunct(operand, '{')) right = this.spanSet(operand);
      else if (this.isPunct(operand, '(')) {
        right = this.nested(operand, () => this.piped());
        this.expect(')', 'a closing ")"');
      } else throw new FilterSyntaxError(`expected a { } span set after ${token.text}, found ${describe(operand)}`, operand.column);
      result = { type: 'structure', column: result.column, source: { kind: 'related', op: token.text as StructuralOp, left: this.sourceOf(result, token), right: this.sourceOf(right, operand) } };
    }
    return result;
  }

  /** The spans a structural operand stands for: a span set's, or a structure's. */
  private sourceOf(expr: FilterExpr, at: Token): SpanSource {
    if (expr.type === 'spanSet') return { kind: 'spans', condition: expr.body };
    if (expr.type === 'structure') return expr.source;
    throw new FilterSyntaxError('structural operators (>> > << < ~) relate { } span sets with conditions on one span only', at.column);
  }

  /** `{ conditions on one span }`; `{ }` is any span. */
  private spanSet(token: Token): FilterExpr {
    if (this.isPunct(this.peek(), '}')) {
      this.next();
      return { type: 'spanSet', column: token.column, body: null };
    }
    return this.scoped(token, (body) => ({ type: 'spanSet', column: token.column, body }), true);
  }

  private service(token: Token): FilterExpr {
    this.expect('(', 'a "(" after service');
    const service = this.stringArgument('service name');
    this.expect(')', 'a closing ")" after the service name');
    return this.scopeBody(token, (body) => ({ type: 'service', column: token.column, service, body }));
  }

  private edge(token: Token): FilterExpr {
    this.expect('(', 'a "(" after edge');
    const from = this.stringArgument('calling service');
    this.expect(',', 'a "," between the two services of edge()');
    const to = this.stringArgument('called service');
    this.expect(')', 'a closing ")" after the services of edge()');
    return this.scopeBody(token, (body) => ({ type: 'edge', column: token.column, from, to, body }));
  }

  /** `peer("api.stripe.com")`, `peer("orders", "777777777777")`: a condition on one span, so also inside braces. */
  private peer(token: Token): FilterExpr {
    this.expect('(', 'a "(" after peer');
    const name = this.stringArgument('peer name');
    let account: string | null = null;
    if (this.isPunct(this.peek(), ',')) {
      this.next();
      account = this.stringArgument('peer account');
    }
    this.expect(')', 'a closing ")" after the peer');
    return { type: 'peer', column: token.column, name, account };
  }

  private stringArgument(what: string): string {
    const token = this.next();
    if (token.kind !== 'string') throw new FilterSyntaxError(`expected the ${what} in quotes, found ${describe(token)}`, token.column);
    return token.text;
  }

  private scopeBody(token: Token, wrap: (body: FilterExpr | null) => FilterExpr): FilterExpr {
    if (!this.isPunct(this.peek(), '{')) return wrap(null);
    this.next();
    return this.scoped(token, wrap);
  }

  /** `trace.status = fault`: = or !=, and a status as a word or in quotes. */
  private traceStatus(fieldToken: Token): TraceStatusExpr {
    const opToken = this.next();
    if (!(this.isPunct(opToken, '=') || this.isPunct(opToken, '!='))) {
      throw new FilterSyntaxError(`expected = or != after ${TRACE_STATUS_FIELD}, found ${describe(opToken)}`, opToken.column);
    }
    const valueToken = this.next();
    const value = valueToken.kind === 'word' || valueToken.kind === 'string' ? valueToken.text.toLowerCase() : null;
    if (value === null || !(TRACE_STATUSES as readonly string[]).includes(value)) {
      throw new FilterSyntaxError(`expected a trace status after ${(opToken as Token & { kind: 'punct' }).text} (${TRACE_STATUSES.join(', ')}), found ${describe(valueToken)}`, valueToken.column);
    }
    return { type: 'traceStatus', column: fieldToken.column, op: (opToken as Token & { kind: 'punct' }).text as '=' | '!=', value: value as TraceStatus };
  }

  /**
   * A plain number and what follows it of `+ - * / % ^` and more plain numbers (TraceQL's
   * arithmetic on literals, `10 * 1024 * 1024`), folded to one number: ^ first (right to left),
   * then * / %, then + -, as usual. A result of arithmetic that is not a finite number is refused.
   */
  private arithmetic(first: Token & { kind: 'number' }): number {
    const operands = [first.value];
    const ops: string[] = [];
    for (let token = this.peek(); ; token = this.peek()) {
      // `10 -5` (and `10-5`): the lexer reads a negative number; here it is a subtraction.
      const negative = token.kind === 'number' && token.text.startsWith('-');
      if (!negative && !(token.kind === 'punct' && ARITHMETIC.includes(token.text))) break;
      this.next();
      const operand = negative ? token : this.next();
      if (operand.kind !== 'number' || operand.unit !== null) throw new FilterSyntaxError(`expected a plain number after ${negative ? '-' : (token as Token & { kind: 'punct' }).text}, found ${describe(operand)}`, operand.column);
      ops.push(negative ? '-' : (token as Token & { kind: 'punct' }).text);
      operands.push(negative ? -operand.value : operand.value);
    }
    const apply = (levels: readonly string[], rightToLeft = false) => {
      for (let i = rightToLeft ? ops.length - 1 : 0; rightToLeft ? i >= 0 : i < ops.length; ) {
        if (!levels.includes(ops[i]!)) {
          i += rightToLeft ? -1 : 1;
          continue;
        }
        const [a, b] = [operands[i]!, operands[i + 1]!];
        const result = { '^': a ** b, '*': a * b, '/': a / b, '%': a % b, '+': a + b, '-': a - b }[ops[i]! as '^'];
        operands.splice(i, 2, result);
        ops.splice(i, 1);
        if (rightToLeft) i -= 1;
      }
    };
    // A literal alone is taken as written (1e999 is infinity, larger than any stored number).
    if (ops.length === 0) return first.value;
    apply(['^'], true);
    apply(['*', '/', '%']);
    apply(['+', '-']);
    if (!Number.isFinite(operands[0]!)) throw new FilterSyntaxError(`${first.text}… is not a finite number`, first.column);
    return operands[0]!;
  }

  /** `span:id = "00f067aa0ba902b7"`: = or !=, and hex, leading zeros optional (Tempo's `trace:id = "1234"`). */
  private idComparison(fieldToken: Token, field: IdField | LinkIdField): CompareExpr {
    const opToken = this.next();
    if (!(this.isPunct(opToken, '=') || this.isPunct(opToken, '!='))) throw new FilterSyntaxError(`expected = or != after ${field}, found ${describe(opToken)}`, opToken.column);
    const valueToken = this.next();
    const digits = field === 'trace:id' || field === 'link:traceID' ? 32 : 16;
    if (valueToken.kind !== 'string' || !new RegExp(`^[0-9a-fA-F]{1,${digits}}$`).test(valueToken.text)) {
      throw new FilterSyntaxError(`expected an id of up to ${digits} hex digits in quotes after ${(opToken as Token & { kind: 'punct' }).text}, found ${describe(valueToken)}`, valueToken.column);
    }
    return { type: 'compare', column: fieldToken.column, field, op: (opToken as Token & { kind: 'punct' }).text as '=' | '!=', value: valueToken.text.toLowerCase().padStart(digits, '0') };
  }

  /** `fieldToken op value`; `known`: the field TraceQL's name stands for, else the word names it. */
  private comparison(fieldToken: Token & { kind: 'word' }, known: 'duration' | 'event:timeSinceStart' | 'event:name' | 'span:childCount' | TextField | null): CompareExpr {
    const column = fieldToken.column;
    const field = known ?? fieldToken.text.toLowerCase();
    const annotationKey = known === null && fieldToken.text.startsWith('annotation.') ? fieldToken.text.slice('annotation.'.length) : null;
    // A quoted name (span."a b") is always an attribute's (or an annotation's), never a field.
    const isField = annotationKey !== null || known !== null || (!fieldToken.quoted && (field === 'duration' || field === 'responsetime' || field === 'http.status' || (TEXT_FIELDS as readonly string[]).includes(field)));
    const attribute = isField ? null : attributeOf(fieldToken.text);
    if (!isField && attribute === null) {
      throw new FilterSyntaxError(
        `unknown field "${fieldToken.text}" (known: duration, responsetime, http.status, ${TEXT_FIELDS.join(', ')}, span.<attribute>, resource.<attribute>, .<attribute>, annotation.<key>, ${TRACE_STATUS_FIELD}, fault, error, throttle, ok, service(), edge(), peer())`,
        column,
      );
    }
    if (annotationKey === '' || attribute?.key === '') throw new FilterSyntaxError(`expected a key after "${fieldToken.text}"`, column);
    if (attribute !== null && !fieldToken.quoted) {
      const scope = UNSEARCHED_SCOPES.find((prefix) => fieldToken.text.startsWith(prefix));
      if (scope !== undefined) {
        throw new FilterSyntaxError(`${scope}… attributes are not searchable yet (an attribute of the span or its resource named so: .${fieldToken.text} or span.${fieldToken.text})`, column);
      }
    }
    // A bare boolean attribute is `= true`, as TraceQL reads `{ span.cache.hit || … }`.
    if (attribute !== null && !this.isOperator(this.peek())) return { type: 'compare', column, field: 'attribute', scope: attribute.scope, key: attribute.key, op: '=', value: true };
    const opToken = this.next();
    const op =
      opToken.kind === 'punct' ? ([...ORDER_OPS, ...MATCH_OPS].find((o) => o === opToken.text) ?? null) : opToken.kind === 'word' ? (WORD_OPS[opToken.text.toLowerCase()] ?? null) : null;
    if (op === null) {
      throw new FilterSyntaxError(`expected an operator after ${fieldToken.text} (=, !=, <, <=, >, >=, =~, !~, CONTAINS, BEGINSWITH, ENDSWITH), found ${describe(opToken)}`, opToken.column);
    }
    const valueToken = this.next();
    const fail = (message: string): never => {
      throw new FilterSyntaxError(message, valueToken.column);
    };
    const opFail = (allowed: readonly CompareOp[]): never => {
      throw new FilterSyntaxError(`${fieldToken.text} cannot be compared with ${op.toUpperCase()} (use ${allowed.map((o) => o.toUpperCase()).join(', ')})`, opToken.column);
    };
    const textValue = (): string => {
      if (valueToken.kind !== 'string') return fail(`expected a string in quotes after ${op}, found ${describe(valueToken)}`);
      const problem = MATCH_OPS.includes(op) ? patternProblem(valueToken.text) : null;
      return problem === null ? valueToken.text : fail(problem);
    };

    if (field === 'duration' || field === 'responsetime' || field === 'event:timeSinceStart') {
      if (!ORDER_OPS.includes(op)) opFail(ORDER_OPS);
      if (valueToken.kind !== 'number') fail(`expected a duration after ${op} (seconds, or with a unit: 8s, 200ms, 1.5m), found ${describe(valueToken)}`);
      const number = valueToken as Token & { kind: 'number' };
      const unit = number.unit ?? 's';
      const scale = DURATION_UNIT_NANOS[unit];
      if (scale === undefined) fail(`unknown duration unit "${unit}" (use ns, us, ms, s, m or h)`);
      const value = number.value * scale!;
      // An event may be stamped before its span began (skewed clocks): only its time since the start may be negative.
      if (!Number.isFinite(value) || Math.abs(value) > MAX_DURATION_NANOS || (value < 0 && field !== 'event:timeSinceStart')) fail(`${number.text} is out of range`);
      return { type: 'compare', column, field, op, value: nanos(BigInt(Math.round(value))) };
    }
    if (field === 'span:childCount') {
      if (!ORDER_OPS.includes(op)) opFail(ORDER_OPS);
      if (valueToken.kind !== 'number' || valueToken.unit !== null || !Number.isSafeInteger(valueToken.value) || valueToken.value < 0) {
        fail(`expected a count of child spans (a whole number such as 3), found ${describe(valueToken)}`);
      }
      return { type: 'compare', column, field, op, value: (valueToken as Token & { kind: 'number' }).value };
    }
    if (field === 'http.status') {
      if (!ORDER_OPS.includes(op)) opFail(ORDER_OPS);
      if (valueToken.kind !== 'number' || valueToken.unit !== null || !Number.isInteger(valueToken.value) || valueToken.value > 999 || valueToken.value < 0) {
        fail(`expected an HTTP status code (a whole number such as 500), found ${describe(valueToken)}`);
      }
      return { type: 'compare', column, field, op, value: (valueToken as Token & { kind: 'number' }).value };
    }
    if (annotationKey !== null || attribute !== null) {
      const typed = <V extends string | number | boolean | null>(allowed: readonly CompareOp[], value: V): CompareExpr => {
        if (!allowed.includes(op)) opFail(allowed);
        return annotationKey !== null
          ? { type: 'compare', column, field: 'annotation', key: annotationKey, op, value: value as string | number | boolean }
          : { type: 'compare', column, field: 'attribute', scope: attribute!.scope, key: attribute!.key, op, value };
      };
      // Strings of an attribute also order, by code point (`span.http.status_code >= "400"`, as TraceQL has it).
      if (valueToken.kind === 'string') {
        const text = typed(attribute !== null ? [...TEXT_OPS, ...MATCH_OPS, ...ORDER_OPS] : [...TEXT_OPS, ...MATCH_OPS], textValue());
        return attribute !== null && isServiceName(attribute) ? { type: 'compare', column, field: 'service', op, value: text.value as string } : text;
      }
      if (valueToken.kind === 'number' && valueToken.unit === null) return typed(ORDER_OPS, this.arithmetic(valueToken));
      const extreme = valueToken.kind === 'word' ? INTEGER_EXTREMES[valueToken.text.toLowerCase()] : undefined;
      if (extreme !== undefined) return typed(ORDER_OPS, extreme);
      if (this.isWord(valueToken, 'true') || this.isWord(valueToken, 'false')) return typed(['=', '!='], (valueToken as Token & { kind: 'word' }).text.toLowerCase() === 'true');
      if (attribute !== null && this.isWord(valueToken, 'nil')) return typed(['=', '!='], null);
      return fail(`expected a value after ${op} (a string in quotes, a number, true or false${attribute !== null ? ', nil' : ''}), found ${describe(valueToken)}`);
    }
    const textField = field as TextField | 'event:name';
    if (!TEXT_OPS.includes(op) && !MATCH_OPS.includes(op)) opFail([...TEXT_OPS, ...MATCH_OPS]);
    const words = textField === 'event:name' ? undefined : ENUM_FIELDS[textField];
    if (words !== undefined && valueToken.kind === 'word' && !MATCH_OPS.includes(op)) {
      const word = valueToken.text.toLowerCase();
      if (!words.includes(word)) fail(`"${valueToken.text}" is not a ${textField === 'kind' ? 'span kind' : 'span status'} (${words.join(', ')})`);
      return { type: 'compare', column, field: textField as TextField, op, value: word };
    }
    let value = textValue();
    if (words !== undefined && !MATCH_OPS.includes(op)) {
      value = value.toLowerCase();
      if ((op === '=' || op === '!=') && !words.includes(value)) fail(`"${value}" is not a ${textField === 'kind' ? 'span kind' : 'span status'} (${words.join(', ')})`);
    }
    return { type: 'compare', column, field: textField, op, value };
  }
}

/**
 * The attribute a field name stands for: `span.k`, `resource.k`, `.k`, or (X-Ray's side of the
 * language) any other dotted name (`db.system`), which is either the span's or the resource's.
 * Null for a plain word: a typo there is an unknown field, not an attribute no span has.
 */
function attributeOf(name: string): { scope: AttributeScope | NestedScope; key: string } | null {
  for (const [prefix, scope] of ATTRIBUTE_PREFIXES) if (name.startsWith(prefix)) return { scope, key: name.slice(prefix.length) };
  return name.includes('.') ? { scope: 'any', key: name } : null;
}

/** An attribute one span has one value of (aggregated, grouped by): an event's or a link's is refused, a span may have many. */
function spanAttributeOf(token: Token & { kind: 'word' }): { scope: AttributeScope; key: string } | null {
  const attribute = attributeOf(token.text);
  if (attribute?.scope === 'event' || attribute?.scope === 'link') {
    throw new FilterSyntaxError(`${token.text}: a span may have many ${attribute.scope}s, so their attributes can be compared ({ ${token.text} = … }), not grouped by, aggregated or listed by value`, token.column);
  }
  return attribute as { scope: AttributeScope; key: string } | null;
}

/** `resource.service.name` or `.service.name`: the span's service (ast.ts's TextField). */
const isServiceName = (attribute: { scope: AttributeScope | NestedScope; key: string }) => attribute.key === 'service.name' && (attribute.scope === 'resource' || attribute.scope === 'any');

/** The conditions ANDed, left to right (at least one). */
const allOf = (conditions: readonly FilterExpr[]): FilterExpr => conditions.reduce((left, right) => ({ type: 'and', column: left.column, left, right }));

/** The operands of a chain of ANDs, left to right. */
function andOperands(expr: FilterExpr): FilterExpr[] {
  return expr.type === 'and' ? [...andOperands(expr.left), ...andOperands(expr.right)] : [expr];
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the expression';
    case 'string':
      return `the string ${JSON.stringify(token.text.length > 40 ? `${token.text.slice(0, 40)}…` : token.text)}`;
    case 'number':
      return `the number ${token.text}`;
    default:
      return `"${token.text.length > 40 ? `${token.text.slice(0, 40)}…` : token.text}"`;
  }
}
