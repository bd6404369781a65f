import type { AttributeCompare, AttributeScope, CompareExpr, NestedScope, FilterExpr, PipelineExpr, SpanKey, SpanSource } from './ast.ts';

// The parser's precedence, loosest first: expression (OR) → conjunction (AND) → unary (NOT, a
// condition, a parenthesised expression). Both operators are left-associative.
const OR = 0;
const AND = 1;
const UNARY = 2;

// A key written bare after `annotation.` or a scope: one word (the lexer's WORD_PART) that does
// not end in a dot (the lexer would read a quoted name after it). Any other key is quoted.
const BARE_KEY = /^[A-Za-z0-9_.\-:/]*[A-Za-z0-9_\-:/]$/;
/** How the language writes the span's service (ast.ts's TextField). */
const SERVICE_NAME = 'resource.service.name';
const SCOPE_PREFIX: Record<AttributeCompare['scope'], string> = { span: 'span.', resource: 'resource.', any: '.', event: 'event.', link: 'link.' };
// Everything the lexer cannot take raw inside a string: the quote, the escape, control
// characters, and UTF-16 halves (a lone one cannot survive UTF-8; \uXXXX rebuilds both kinds).
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/g;

/**
 * The text of a filter expression: `parseFilter(filterText(e))` gives `e` back (columns aside).
 * Used to send a parsed expression to another process. Durations are written as whole
 * nanoseconds (`8000000000ns`), so no unit conversion can round them. Throws a RangeError for a
 * tree the language cannot write (a negative duration, a value that is not a number).
 */
export function filterText(expr: FilterExpr): string {
  return expr.type === 'pipeline' ? pipelineText(expr) : written(expr, OR);
}

function written(expr: FilterExpr, level: number): string {
  switch (expr.type) {
    case 'or':
      return grouped(level > OR, `${written(expr.left, OR)} OR ${written(expr.right, AND)}`);
    case 'and':
      return grouped(level > AND, `${written(expr.left, AND)} AND ${written(expr.right, UNARY)}`);
    case 'not':
      return `NOT ${written(expr.expr, UNARY)}`;
    case 'flag':
      return expr.flag;
    case 'service':
      return `service(${quoted(expr.service)})${scopeBody(expr.body)}`;
    case 'edge':
      return `edge(${quoted(expr.from)}, ${quoted(expr.to)})${scopeBody(expr.body)}`;
    case 'compare':
      return comparison(expr);
    case 'traceStatus':
      return `trace.status ${expr.op} ${expr.value}`;
    case 'traceRoot':
      return `trace:${expr.field === 'name' ? 'rootName' : 'rootService'} ${expr.op.toUpperCase()} ${quoted(expr.value)}`;
    case 'peer':
      return `peer(${quoted(expr.name)}${expr.account === null ? '' : `, ${quoted(expr.account)}`})`;
    case 'spanSet':
      return expr.body === null ? '{ }' : `{ ${written(expr.body, OR)} }`;
    case 'pipeline':
      // `|` binds loosest of all: inside anything else, a pipeline is parenthesised.
      return `(${pipelineText(expr)})`;
    case 'structure':
      // Structural operators bind tighter than AND and OR.
      return sourceText(expr.source, false);
  }
}

const grouped = (needed: boolean, text: string) => (needed ? `(${text})` : text);
const scopeBody = (body: FilterExpr | null) => (body === null ? '' : ` { ${written(body, OR)} }`);

function comparison(expr: CompareExpr): string {
  const op = expr.op.toUpperCase();
  switch (expr.field) {
    case 'duration':
    case 'responsetime':
    case 'event:timeSinceStart':
      if ((expr.value < 0n && expr.field !== 'event:timeSinceStart') || BigInt(Number(expr.value)) !== expr.value) unwritable(`${expr.field} ${expr.value}ns is negative or not exact as a double`);
      return `${expr.field} ${op} ${expr.value}ns`;
    case 'http.status':
    case 'span:childCount':
      if (!Number.isInteger(expr.value) || expr.value < 0) unwritable(`${expr.field} ${expr.value} is not a whole number`);
      return `${expr.field} ${op} ${expr.value}`;
    case 'annotation':
      return `annotation.${BARE_KEY.test(expr.key) ? expr.key : quoted(expr.key)} ${op} ${literal(expr.value)}`;
    case 'attribute':
      return `${attributeName(expr.scope, expr.key)} ${op} ${expr.value === null ? 'nil' : literal(expr.value)}`;
    case 'span:id':
    case 'span:parentID':
    case 'trace:id':
    case 'link:traceID':
    case 'link:spanID':
    case 'event:name':
      return `${expr.field} ${op} ${quoted(expr.value)}`;
    case 'service':
      return `${SERVICE_NAME} ${op} ${quoted(expr.value)}`;
    default:
      return `${expr.field} ${op} ${quoted(expr.value)}`;
  }
}

function attributeName(scope: AttributeScope | NestedScope, key: string): string {
  // `.k` is a word only when k starts as one (`.5` is a number).
  const bare = BARE_KEY.test(key) && (scope !== 'any' || /^[A-Za-z_]/.test(key));
  return `${SCOPE_PREFIX[scope]}${bare ? key : quoted(key)}`;
}

/** A chain reads left to right: a related right operand is parenthesised. */
function sourceText(source: SpanSource, asRight: boolean): string {
  if (source.kind === 'spans') return source.condition === null ? '{ }' : `{ ${written(source.condition, OR)} }`;
  const text = `${sourceText(source.left, false)} ${source.op} ${sourceText(source.right, true)}`;
  return asRight ? `(${text})` : text;
}

function pipelineText(expr: PipelineExpr): string {
  const stages = [expr.spans === null ? '{ }' : `{ ${written(expr.spans, OR)} }`];
  if (expr.by !== null) stages.push(`by(${fieldText(expr.by)})`);
  for (const condition of expr.conditions) {
    const of = condition.of === null ? '' : condition.of.kind === 'duration' ? 'duration' : attributeName(condition.of.scope, condition.of.key);
    const value = condition.of?.kind === 'duration' ? `${condition.value}ns` : literal(condition.value);
    stages.push(`${condition.fn}(${of}) ${condition.op} ${value}`);
  }
  return stages.join(' | ');
}

/** A field or attribute as the language writes it. */
export const fieldText = (key: SpanKey) => (key.kind === 'attribute' ? attributeName(key.scope, key.key) : key.field === 'service' ? SERVICE_NAME : key.field);

function literal(value: string | number | boolean): string {
  if (typeof value === 'string') return quoted(value);
  if (typeof value === 'boolean') return String(value);
  // 1e999 is how Infinity is written (it reads as a number past range).
  if (value === Infinity) return '1e999';
  if (value === -Infinity) return '-1e999';
  if (Number.isNaN(value)) unwritable('a value that is not a number');
  return Object.is(value, -0) ? '-0' : String(value);
}

function quoted(text: string): string {
  return `"${text.replace(ESCAPED, (ch) => (ch === '"' || ch === '\\' ? `\\${ch}` : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`))}"`;
}

function unwritable(what: string): never {
  throw new RangeError(`filterText: ${what}`);
}
