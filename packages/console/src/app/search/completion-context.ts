import { scanFilter, type ScannedToken } from './filter-scan.ts';
import { AGGREGATES, fieldOf, METRICS_FUNCTIONS, type FieldRef } from './filter-vocabulary.ts';
import { calleesOf, isComparison, isStructural, tokenRoles } from './token-classes.ts';

/** About the whole trace (the top level) or about one span (inside `{ }`). */
export type Place = 'trace' | 'span';

/** What may stand at the caret, read from the tokens before it. */
export type CompletionContext =
  /** A condition starts here: a field, an attribute's scope, a flag, `{`, service()… */
  | { kind: 'condition'; place: Place }
  /** After a field: its operators. */
  | { kind: 'operator'; field: FieldRef }
  /** After `field op`: its values. */
  | { kind: 'value'; field: FieldRef; op: string }
  /** After `count()`, `avg(duration)`: a comparison. */
  | { kind: 'aggregate-operator' }
  /**
   * After a whole condition: what joins or closes it. `afterSet`: a `}` or a group's `)` at the
   * top, so structure (>> …) may follow; `pipeable`: the expression so far is that one set, so a
   * pipeline (|) may too; `closes`: the bracket still open.
   */
  | { kind: 'next'; place: Place; afterSet: boolean; pipeable: boolean; afterScope: boolean; inPipeline: boolean; closes: '}' | ')' | null }
  /** After `|`: a pipeline stage; `metrics`: the first `|` after one span set, where a metrics function (rate()…) may stand too. */
  | { kind: 'stage'; metrics: boolean }
  /** After a metrics function (`rate()`): its grouping. */
  | { kind: 'grouping' }
  /** Inside by( select( (a field to group by) or avg( min( max( sum( (a number of the span). */
  | { kind: 'key'; of: 'group' | 'number' }
  /** A quoted argument of service(, edge(, peer(. */
  | { kind: 'argument'; fn: string }
  /** After a structural operator: a span set. */
  | { kind: 'span-set' }
  | { kind: 'none' };

export interface CompletionSite {
  context: CompletionContext;
  /** The stretch a completion replaces (0-based, `to` exclusive): the word at the caret, or nothing at it. */
  from: number;
  to: number;
  /** What is typed of that word, up to the caret (`span.db`, `"chec`, `er`). */
  typed: string;
  /** The list opens by itself: the expression cannot end here, or a word is being typed. */
  eager: boolean;
}

/** Where the caret is in the expression and what could be written there. */
export function completionSiteAt(text: string, caret: number): CompletionSite {
  const tokens = scanFilter(text);
  const word = wordAt(tokens, caret);
  const from = word?.from ?? caret;
  const before = tokens.filter((token) => token.end <= from);
  const context = contextAfter(before);
  const typed = text.slice(from, caret);
  const eager = typed !== '' || !(context.kind === 'next' || context.kind === 'grouping' || context.kind === 'none');
  return { context, from, to: word?.to ?? caret, typed, eager };
}

/** The word being written at the caret: a name, a string not closed yet, or a string the caret is inside. */
function wordAt(tokens: readonly ScannedToken[], caret: number): { from: number; to: number } | null {
  const index = tokens.findIndex((token) => token.start < caret && caret <= token.end);
  const token = tokens[index];
  if (token === undefined) return null;
  const previous = tokens[index - 1];
  switch (token.kind) {
    case 'word':
      return { from: token.start, to: token.end };
    case 'unclosed':
      // `span."cart it`: a quoted attribute name on its way, one word with its scope.
      if (previous?.kind === 'word' && previous.end === token.start && previous.text.endsWith('.')) return { from: previous.start, to: caret };
      return { from: token.start, to: caret };
    case 'string':
      return caret < token.end ? { from: token.start, to: token.end } : null;
    case 'unknown':
      // `{ .` before the key: the lexer has no word for a lone dot yet.
      return token.text === '.' ? { from: token.start, to: token.end } : null;
    default:
      return null;
  }
}

function contextAfter(tokens: readonly ScannedToken[]): CompletionContext {
  const callees = calleesOf(tokens);
  const roles = tokenRoles(tokens);
  // The brackets still open, innermost last, with where each was opened.
  const open: Array<{ bracket: '{' | '('; at: number }> = [];
  let pipeAtDepth: number[] = [];
  // Where the first top-level bracket closes: a pipeline takes one { }, nothing joined to it.
  let firstClosed = -1;
  tokens.forEach((token, i) => {
    if (token.kind !== 'punct') return;
    if (token.text === '{' || token.text === '(') open.push({ bracket: token.text, at: i });
    else if (token.text === '}' || token.text === ')') {
      open.pop();
      if (open.length === 0 && firstClosed < 0) firstClosed = i;
      pipeAtDepth = pipeAtDepth.filter((depth) => depth <= open.length);
    } else if (token.text === '|') pipeAtDepth.push(open.length);
  });
  const place: Place = open.some((entry) => entry.bracket === '{') ? 'span' : 'trace';
  const innermost = open[open.length - 1];
  const closes = innermost === undefined ? null : innermost.bracket === '{' ? '}' : ')';
  const innerCallee = innermost?.bracket === '(' ? (callees.get(innermost.at) ?? null) : null;
  const next = (afterSet: boolean, afterScope = false): CompletionContext => {
    const set = afterSet && place === 'trace';
    return { kind: 'next', place, afterSet: set, pipeable: set && open.length === 0 && tokens[0]?.kind === 'punct' && tokens[0].text === '{' && firstClosed === tokens.length - 1, afterScope, inPipeline: pipeAtDepth.includes(open.length), closes };
  };

  const i = tokens.length - 1;
  const last = tokens[i];
  if (last === undefined) return { kind: 'condition', place: 'trace' };
  if (innerCallee !== null && last.kind !== 'punct') {
    // Inside a call, after its argument: nothing to offer but what the person types.
    return { kind: 'none' };
  }
  if (last.kind === 'punct') {
    const text = last.text;
    if (text === '{') return { kind: 'condition', place: 'span' };
    if (text === '(' || text === ',') {
      const callee = text === '(' ? (callees.get(i) ?? null) : innerCallee;
      if (callee === null) return text === '(' ? { kind: 'condition', place } : { kind: 'none' };
      if (callee === 'by' || callee === 'select') return { kind: 'key', of: 'group' };
      if ((AGGREGATES as readonly string[]).includes(callee)) return callee === 'count' ? { kind: 'none' } : { kind: 'key', of: 'number' };
      if (isMetricsFunction(callee)) return text === '(' && callee !== 'rate' && callee !== 'count_over_time' ? { kind: 'key', of: 'number' } : { kind: 'none' };
      if (callee === 'service' || callee === 'edge' || callee === 'peer') return { kind: 'argument', fn: callee };
      return { kind: 'none' };
    }
    if (text === '&&' || text === '||' || text === '!') return { kind: 'condition', place };
    if (text === '|') return { kind: 'stage', metrics: firstClosed === i - 1 && tokens[0]?.kind === 'punct' && tokens[0].text === '{' };
    if (isStructural(tokens, i, callees)) return { kind: 'span-set' };
    if (isComparison(last)) return valueAfter(tokens, i);
    if (text === '}') return next(true);
    if (text === ')') {
      const callee = callees.get(i) ?? null;
      if (callee !== null && (AGGREGATES as readonly string[]).includes(callee)) return { kind: 'aggregate-operator' };
      if (callee !== null && isMetricsFunction(callee)) return { kind: 'grouping' };
      return next(callee === null, callee === 'service' || callee === 'edge');
    }
    return { kind: 'none' };
  }
  if (last.kind === 'word') {
    const role = roles[i]!.cls;
    if (role === 'logic') return { kind: 'condition', place };
    if (role === 'operator') return valueAfter(tokens, i);
    if (role === 'keyword') return next(false);
    if (role === 'field' || role === 'attribute') return { kind: 'operator', field: fieldOf(last.text, last.quoted === true)! };
    return { kind: 'none' };
  }
  if (last.kind === 'string' || last.kind === 'number') return isComparison(tokens[i - 1]) ? next(false) : { kind: 'none' };
  return { kind: 'none' };
}

const isMetricsFunction = (name: string) => (METRICS_FUNCTIONS as readonly string[]).includes(name);

/** After an operator: the values of the field before it, if a field is before it. */
function valueAfter(tokens: readonly ScannedToken[], i: number): CompletionContext {
  const operand = tokens[i - 1];
  const op = tokens[i]!;
  if (operand?.kind !== 'word' || (op.kind !== 'punct' && op.kind !== 'word')) return { kind: 'none' };
  const field = fieldOf(operand.text, operand.quoted === true);
  return field === null ? { kind: 'none' } : { kind: 'value', field, op: op.text };
}
