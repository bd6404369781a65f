import { DURATION_UNIT_NANOS, MAX_DURATION_NANOS, nanos, SPAN_KINDS, TRACE_STATUSES, type TraceStatus } from '@stitch/model';
import { FLAGS, ORDER_OPS, TEXT_FIELDS, TEXT_OPS, type CompareExpr, type CompareOp, type Flag, type FilterExpr, type TextField, type TraceStatusExpr } from './ast.ts';
import { FilterSyntaxError } from './filter-syntax-error.ts';
import { tokenize, type Token } from './lexer.ts';

/** Longer expressions, deeper nesting or more conditions are refused: a filter is typed by a person. */
export const FILTER_LIMITS = { maxLength: 4096, maxDepth: 32, maxConditions: 128 } as const;

const WORD_OPS: Record<string, CompareOp> = { contains: 'contains', beginswith: 'beginswith', endswith: 'endswith' };
const SCOPES = new Set(['service', 'edge']);
/** The trace-level field for what the trace's caller saw (ast.ts). */
export const TRACE_STATUS_FIELD = 'trace.status';

/**
 * Parses a filter expression (X-Ray's language: `duration > 8 AND service("payments") { fault }`).
 * Throws FilterSyntaxError pointing at the column at fault; the result is fully typed, so the
 * stores compile it without checking anything again.
 */
export function parseFilter(text: string): FilterExpr {
  if (text.length > FILTER_LIMITS.maxLength) {
    throw new FilterSyntaxError(`the expression is longer than ${FILTER_LIMITS.maxLength} characters`, FILTER_LIMITS.maxLength + 1);
  }
  const parser = new Parser(tokenize(text));
  const expr = parser.expression(false);
  const rest = parser.peek();
  if (rest.kind !== 'end') throw new FilterSyntaxError(`expected AND, OR or the end of the expression, found ${describe(rest)}`, rest.column);
  return expr;
}

class Parser {
  private index = 0;
  private depth = 0;
  private conditions = 0;

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

  private isPunct(token: Token, text: string): boolean {
    return token.kind === 'punct' && token.text === text;
  }

  private expect(text: string, what: string): Token {
    const token = this.next();
    if (!this.isPunct(token, text)) throw new FilterSyntaxError(`expected ${what}, found ${describe(token)}`, token.column);
    return token;
  }

  /** `inScope`: inside the braces of service() or edge(), where conditions are about one span. */
  expression(inScope: boolean): FilterExpr {
    let left = this.conjunction(inScope);
    while (this.isWord(this.peek(), 'or')) {
      const column = this.next().column;
      left = { type: 'or', column, left, right: this.conjunction(inScope) };
    }
    return left;
  }

  private conjunction(inScope: boolean): FilterExpr {
    let left = this.unary(inScope);
    while (this.isWord(this.peek(), 'and')) {
      const column = this.next().column;
      left = { type: 'and', column, left, right: this.unary(inScope) };
    }
    return left;
  }

  private unary(inScope: boolean): FilterExpr {
    const token = this.peek();
    if (this.isWord(token, 'not') || this.isPunct(token, '!')) {
      this.next();
      return this.nested(token, () => ({ type: 'not', column: token.column, expr: this.unary(inScope) }));
    }
    return this.primary(inScope);
  }

  private nested<T>(token: Token, parse: () => T): T {
    if (++this.depth > FILTER_LIMITS.maxDepth) throw new FilterSyntaxError(`nested deeper than ${FILTER_LIMITS.maxDepth} levels`, token.column);
    const result = parse();
    this.depth--;
    return result;
  }

  private primary(inScope: boolean): FilterExpr {
    const token = this.next();
    if (this.isPunct(token, '(')) {
      const expr = this.nested(token, () => this.expression(inScope));
      this.expect(')', 'a closing ")"');
      return expr;
    }
    if (token.kind !== 'word') {
      throw new FilterSyntaxError(`expected a condition (for example duration > 8, fault, service("payments")), found ${describe(token)}`, token.column);
    }
    if (++this.conditions > FILTER_LIMITS.maxConditions) throw new FilterSyntaxError(`more than ${FILTER_LIMITS.maxConditions} conditions`, token.column);
    const word = token.text.toLowerCase();
    if (SCOPES.has(word)) {
      if (inScope) throw new FilterSyntaxError(`${word}() cannot be used inside the braces of service() or edge()`, token.column);
      return word === 'service' ? this.service(token) : this.edge(token);
    }
    if ((FLAGS as readonly string[]).includes(word)) return { type: 'flag', column: token.column, flag: word as Flag };
    if (word === TRACE_STATUS_FIELD) {
      if (inScope) throw new FilterSyntaxError(`${TRACE_STATUS_FIELD} is about the whole trace: use it outside the braces of service() or edge()`, token.column);
      return this.traceStatus(token);
    }
    if (word === 'peer' && this.isPunct(this.peek(), '(')) return this.peer(token);
    return this.comparison(token);
  }

  private service(token: Token): FilterExpr {
    this.expect('(', 'a "(" after service');
    const service = this.stringArgument('service name');
    this.expect(')', 'a closing ")" after the service name');
    return { type: 'service', column: token.column, service, body: this.scopeBody(token) };
  }

  private edge(token: Token): FilterExpr {
    this.expect('(', 'a "(" after edge');
    const from = this.stringArgument('calling service');
    this.expect(',', 'a "," between the two services of edge()');
    const to = this.stringArgument('called service');
    this.expect(')', 'a closing ")" after the services of edge()');
    return { type: 'edge', column: token.column, from, to, body: this.scopeBody(token) };
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

  private scopeBody(token: Token): FilterExpr | null {
    if (!this.isPunct(this.peek(), '{')) return null;
    this.next();
    const body = this.nested(token, () => this.expression(true));
    this.expect('}', 'a closing "}"');
    return body;
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

  private comparison(fieldToken: Token & { kind: 'word' }): CompareExpr {
    const field = fieldToken.text.toLowerCase();
    const column = fieldToken.column;
    const annotationKey = fieldToken.text.startsWith('annotation.') ? fieldToken.text.slice('annotation.'.length) : null;
    const known = annotationKey !== null || field === 'duration' || field === 'responsetime' || field === 'http.status' || (TEXT_FIELDS as readonly string[]).includes(field);
    if (!known) {
      throw new FilterSyntaxError(
        `unknown field "${fieldToken.text}" (known: duration, responsetime, http.status, ${TEXT_FIELDS.join(', ')}, annotation.<key>, ${TRACE_STATUS_FIELD}, fault, error, throttle, ok, service(), edge(), peer())`,
        column,
      );
    }
    if (annotationKey === '') throw new FilterSyntaxError('expected an annotation key after "annotation."', column);
    const opToken = this.next();
    const op = opToken.kind === 'punct' ? (ORDER_OPS.find((o) => o === opToken.text) ?? null) : opToken.kind === 'word' ? (WORD_OPS[opToken.text.toLowerCase()] ?? null) : null;
    if (op === null) throw new FilterSyntaxError(`expected an operator after ${fieldToken.text} (=, !=, <, <=, >, >=, CONTAINS, BEGINSWITH, ENDSWITH), found ${describe(opToken)}`, opToken.column);
    const valueToken = this.next();
    const fail = (message: string): never => {
      throw new FilterSyntaxError(message, valueToken.column);
    };
    const opFail = (allowed: readonly CompareOp[]): never => {
      throw new FilterSyntaxError(`${fieldToken.text} cannot be compared with ${op.toUpperCase()} (use ${allowed.map((o) => o.toUpperCase()).join(', ')})`, opToken.column);
    };

    if (field === 'duration' || field === 'responsetime') {
      if (!ORDER_OPS.includes(op)) opFail(ORDER_OPS);
      if (valueToken.kind !== 'number') fail(`expected a duration after ${op} (seconds, or with a unit: 8s, 200ms, 1.5m), found ${describe(valueToken)}`);
      const number = valueToken as Token & { kind: 'number' };
      const unit = number.unit ?? 's';
      const scale = DURATION_UNIT_NANOS[unit];
      if (scale === undefined) fail(`unknown duration unit "${unit}" (use ns, us, ms, s, m or h)`);
      const value = number.value * scale!;
      if (!Number.isFinite(value) || value > MAX_DURATION_NANOS) fail(`${number.text} is out of range`);
      return { type: 'compare', column, field, op, value: nanos(BigInt(Math.round(value))) };
    }
    if (field === 'http.status') {
      if (!ORDER_OPS.includes(op)) opFail(ORDER_OPS);
      if (valueToken.kind !== 'number' || valueToken.unit !== null || !Number.isInteger(valueToken.value) || valueToken.value > 999) {
        fail(`expected an HTTP status code (a whole number such as 500), found ${describe(valueToken)}`);
      }
      return { type: 'compare', column, field, op, value: (valueToken as Token & { kind: 'number' }).value };
    }
    if (annotationKey !== null) {
      if (valueToken.kind === 'string') {
        if (!TEXT_OPS.includes(op)) opFail(TEXT_OPS);
        return { type: 'compare', column, field: 'annotation', key: annotationKey, op, value: valueToken.text };
      }
      if (valueToken.kind === 'number' && valueToken.unit === null) {
        if (!ORDER_OPS.includes(op)) opFail(ORDER_OPS);
        return { type: 'compare', column, field: 'annotation', key: annotationKey, op, value: valueToken.value };
      }
      if (this.isWord(valueToken, 'true') || this.isWord(valueToken, 'false')) {
        if (op !== '=' && op !== '!=') opFail(['=', '!=']);
        return { type: 'compare', column, field: 'annotation', key: annotationKey, op, value: (valueToken as Token & { kind: 'word' }).text.toLowerCase() === 'true' };
      }
      return fail(`expected a value after ${op} (a string in quotes, a number, true or false), found ${describe(valueToken)}`);
    }
    const textField = field as TextField;
    if (!TEXT_OPS.includes(op)) opFail(TEXT_OPS);
    if (valueToken.kind !== 'string') fail(`expected a string in quotes after ${op}, found ${describe(valueToken)}`);
    let value = (valueToken as Token & { kind: 'string' }).text;
    if (textField === 'kind') {
      value = value.toLowerCase();
      if (op === '=' || op === '!=') {
        if (!(SPAN_KINDS as readonly string[]).includes(value)) fail(`"${value}" is not a span kind (${SPAN_KINDS.join(', ')})`);
      }
    }
    return { type: 'compare', column, field: textField, op, value };
  }
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
