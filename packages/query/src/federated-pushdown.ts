import { ORDER_OPS, type CompareOp, type FilterExpr, type SpanSource } from './ast.ts';

/**
 * The filter each account evaluates on its own part of a trace, in federated search.
 *
 * A trace's spans are split across accounts; an account's store holds only its part (the
 * trace's spans in that account) and evaluates a filter on it as if it were the whole trace:
 * `duration` is the part's first start to last end, `responsetime` the part's root (earliest
 * parentless span, else earliest span), everything else "some span of the part".
 *
 * Contract: for every trace T and filter f, if `traceMatches(f, T)` then `pushdownFilter(f)` is
 * null (no condition: every trace is a candidate) or some non-empty part P of T satisfies
 * `traceMatches(pushdownFilter(f), P)`. Central fetches the candidates whole and checks f itself,
 * so a pushed filter may let through traces that do not match, but must never lose one.
 *
 * The rules, after NOT is pushed down to the conditions (De Morgan, NOT NOT x = x):
 * - `fault`, comparisons, `peer(p)`, `service(x) { e }`, `{ e }`: the span that makes it true is in some part.
 * - `trace:rootName op v` (and rootService): as responsetime, the root's part finds the trace's root;
 *   NOT flips = and =~ with != and !~, and pushes nothing down for the other operators.
 * - `{ a } >> { b }` (a structure): the relation spans parts, but a span of the rightmost set takes
 *   part in it, in some part: `{ b }`. NOT of a structure: nothing.
 * - `{ e } | count() > 3` (a pipeline): its groups span the parts, but a span satisfying e is in some
 *   part, so `{ e }`. NOT of a pipeline: nothing.
 * - `edge(a, b) { e }`: the parent may be in another account, so `service(b) { e }` (the child).
 * - `span:childCount`: a part may hold only some of a span's children, so a body is weakened to
 *   leave counts out (withoutChildCounts), and NOT of a body that counts them, or a bare count, pushes nothing.
 * - NOT of those, and `NOT edge(a, b) { e }`: no span of the trace has it, so no part has it:
 *   every part satisfies the same NOT. (For edges: a part only sees an edge whose two spans it
 *   holds, and such an edge is an edge of the trace. `NOT service(b) { e }` would be wrong:
 *   a span of b called by someone other than a satisfies it.)
 * - `duration < x`, `<= x` (and `= x`, as `<= x`): a part lasts no longer than its trace, so
 *   every part satisfies it. `> x`, `>= x`, `!= x`: nothing (a long trace can be short parts).
 * - `responsetime op x`: the part holding the trace's root finds the same root (the earliest
 *   parentless span of the trace is the earliest of its part; with none, the earliest span is
 *   the earliest of its part), so that part satisfies it. This assumes roots are not tied on
 *   start time, which the stores assume too.
 * - `trace.status = v` (v known), `!= v`, `!= unknown`: as responsetime, the root's part finds
 *   the trace's root, so its status; for `!= v` on a trace still without a root, every part is
 *   without one too, so unknown like the trace. `= unknown`: no part has a parentless span
 *   either, so every part satisfies it. NOT flips = and !=.
 * - `a OR b`: pushdown(a) OR pushdown(b); nothing if either side gives nothing.
 * - `a AND b`: conditions every part satisfies can be ANDed with anything; of two conditions
 *   that hold in some part, only one is kept, since they may hold in different parts: the more
 *   selective by a static ranking (see `selectivity`), the left one on a tie.
 *
 * Span ids are assumed to name one span of one service wherever they appear (retried copies are
 * fine); the whole-trace meaning of `edge` relies on it too.
 */
export function pushdownFilter(expr: FilterExpr): FilterExpr | null {
  return finish(push(expr, false), expr.column);
}

/**
 * What is known about the parts of a trace that matches: every non-empty part satisfies all of
 * `everywhere`, and at least one of them satisfies `somewhere` as well. `covered`: conjuncts of
 * `everywhere` that `somewhere` already implies, left out when the filter is written.
 */
interface Pushed {
  everywhere: readonly FilterExpr[];
  somewhere: FilterExpr | null;
  covered: ReadonlySet<FilterExpr>;
}

const NOTHING: Pushed = { everywhere: [], somewhere: null, covered: new Set() };
const everywhere = (expr: FilterExpr): Pushed => ({ everywhere: [expr], somewhere: null, covered: new Set() });
const somewhere = (expr: FilterExpr): Pushed => ({ everywhere: [], somewhere: expr, covered: new Set() });
const isNothing = (pushed: Pushed): boolean => pushed.somewhere === null && pushed.everywhere.length === 0;

/** `negated`: the condition is under an odd number of NOTs (pushed down as it goes). */
function push(expr: FilterExpr, negated: boolean): Pushed {
  switch (expr.type) {
    case 'not':
      return push(expr.expr, !negated);
    case 'and':
    case 'or': {
      const left = push(expr.left, negated);
      const right = push(expr.right, negated);
      // NOT (a AND b) is NOT a OR NOT b, and NOT (a OR b) is NOT a AND NOT b.
      return (expr.type === 'and') !== negated ? both(left, right) : either(left, right, expr.column);
    }
    case 'flag':
    case 'peer':
      return negated ? everywhere(not(expr)) : somewhere(expr);
    case 'service':
    case 'spanSet': {
      if (!countsChildren(expr.body)) return negated ? everywhere(not(expr)) : somewhere(expr);
      return negated ? NOTHING : somewhere({ ...expr, body: withoutChildCounts(expr.body) });
    }
    case 'edge':
      if (negated) return countsChildren(expr.body) ? NOTHING : everywhere(not(expr));
      return somewhere({ type: 'service', column: expr.column, service: expr.to, body: withoutChildCounts(expr.body) });
    case 'traceRoot': {
      // As responsetime: the part holding the trace's root finds the same root.
      const op = negated ? NEGATED_TEXT_OPS[expr.op] : expr.op;
      return op === undefined ? NOTHING : somewhere({ ...expr, op });
    }
    case 'structure':
      // Relations span parts; but a trace that matches has a span of the rightmost set, in some part.
      return negated ? NOTHING : somewhere({ type: 'spanSet', column: expr.column, body: withoutChildCounts(rightmostCondition(expr.source)) });
    case 'pipeline':
      // A group is counted over the whole trace, which no part holds; but a trace that matches has a span entering the pipeline.
      return negated ? NOTHING : somewhere({ type: 'spanSet', column: expr.column, body: withoutChildCounts(expr.spans) });
    case 'traceStatus': {
      const op = negated === (expr.op === '=') ? '!=' : '=';
      const condition: FilterExpr = { ...expr, op };
      return op === '=' && expr.value === 'unknown' ? everywhere(condition) : somewhere(condition);
    }
    case 'compare': {
      if (expr.field === 'span:childCount') return NOTHING;
      if (expr.field !== 'duration' && expr.field !== 'responsetime') return negated ? everywhere(not(expr)) : somewhere(expr);
      const op = negated ? FLIPPED[expr.op] : expr.op;
      if (op === undefined || !ORDER_OPS.includes(op)) return NOTHING;
      if (expr.field === 'responsetime') return somewhere({ ...expr, op });
      if (op === '<' || op === '<=') return everywhere({ ...expr, op });
      // A trace of exactly x has parts of at most x.
      if (op === '=') return everywhere({ ...expr, op: '<=' });
      return NOTHING;
    }
  }
}

/** The negation of a text comparison, where it is one: a root always has a name and a service. */
const NEGATED_TEXT_OPS: Partial<Record<CompareOp, CompareOp>> = { '=': '!=', '!=': '=', '=~': '!~', '!~': '=~' };

/** The negation of each comparison operator, for NOT duration / responsetime. */
const FLIPPED: Partial<Record<CompareOp, CompareOp>> = { '=': '!=', '!=': '=', '<': '>=', '<=': '>', '>': '<=', '>=': '<' };

function both(left: Pushed, right: Pushed): Pushed {
  const kept = right.somewhere !== null && (left.somewhere === null || selectivity(right.somewhere) > selectivity(left.somewhere)) ? right : left;
  return { everywhere: [...left.everywhere, ...right.everywhere], somewhere: kept.somewhere, covered: kept.covered };
}

function either(left: Pushed, right: Pushed, column: number): Pushed {
  if (isNothing(left) || isNothing(right)) return NOTHING;
  const all =
    left.everywhere.length > 0 && right.everywhere.length > 0
      ? [or(allOf(left.everywhere, column)!, allOf(right.everywhere, column)!, column)]
      : [];
  if (left.somewhere === null && right.somewhere === null) return { everywhere: all, somewhere: null, covered: new Set() };
  // The part where one side's `somewhere` holds satisfies that side's `everywhere` too.
  return { everywhere: all, somewhere: or(finish(left, column)!, finish(right, column)!, column), covered: new Set(all) };
}

function finish(pushed: Pushed, column: number): FilterExpr | null {
  const conditions = pushed.everywhere.filter((expr) => !pushed.covered.has(expr));
  return allOf(pushed.somewhere === null ? conditions : [pushed.somewhere, ...conditions], column);
}

/**
 * A static guess at how few traces a condition lets through, for choosing between two that hold
 * in some part: service/edge with a body (5) > service/edge (4) > comparisons with =, beginswith,
 * contains or endswith (3) > other comparisons and trace.status = error/fault (2) > fault, error,
 * throttle (1) > ok, NOT and other trace.status conditions (0).
 * An AND is as selective as its best side, an OR as its worst.
 */
function selectivity(expr: FilterExpr): number {
  switch (expr.type) {
    case 'service':
    case 'edge':
      return expr.body === null ? 4 : 5;
    case 'spanSet':
      return expr.body === null ? 0 : selectivity(expr.body);
    case 'pipeline':
      return expr.spans === null ? 0 : selectivity(expr.spans);
    case 'structure': {
      const condition = rightmostCondition(expr.source);
      return condition === null ? 0 : selectivity(condition);
    }
    case 'peer':
      return 4;
    case 'compare':
      if (expr.field === 'attribute' && expr.value === null) return expr.op === '=' ? 0 : 2;
      return expr.op === '=' || expr.op === 'beginswith' || expr.op === 'contains' || expr.op === 'endswith' || expr.op === '=~' ? 3 : 2;
    case 'flag':
      return expr.flag === 'ok' ? 0 : 1;
    case 'traceStatus':
      return expr.op === '=' && (expr.value === 'error' || expr.value === 'fault') ? 2 : 0;
    case 'traceRoot':
      return expr.op === '=' || expr.op === '=~' ? 3 : 1;
    case 'not':
      return 0;
    case 'and':
      return Math.max(selectivity(expr.left), selectivity(expr.right));
    case 'or':
      return Math.min(selectivity(expr.left), selectivity(expr.right));
  }
}

/** Whether a condition on one span counts its children, which a part may hold only some of. */
function countsChildren(expr: FilterExpr | null): boolean {
  if (expr === null) return false;
  if (expr.type === 'compare') return expr.field === 'span:childCount';
  if (expr.type === 'not') return countsChildren(expr.expr);
  return (expr.type === 'and' || expr.type === 'or') && (countsChildren(expr.left) || countsChildren(expr.right));
}

/**
 * A condition on one span, weakened so that a span meeting it in the whole trace meets it in its
 * part: each child count becomes true (false under an odd number of NOTs); null is no condition.
 */
function withoutChildCounts(expr: FilterExpr | null): FilterExpr | null {
  const weakened = expr === null ? true : weaken(expr, true);
  // Under an even number of NOTs a count only ever becomes true, so false cannot come out.
  return weakened === true || weakened === false ? null : weakened;
}

function weaken(expr: FilterExpr, positive: boolean): FilterExpr | boolean {
  switch (expr.type) {
    case 'compare':
      return expr.field === 'span:childCount' ? positive : expr;
    case 'not': {
      const inner = weaken(expr.expr, !positive);
      return typeof inner === 'boolean' ? !inner : not(inner);
    }
    case 'and':
    case 'or': {
      const left = weaken(expr.left, positive);
      const right = weaken(expr.right, positive);
      const absorbing = expr.type === 'or';
      if (left === absorbing || right === absorbing) return absorbing;
      if (typeof left === 'boolean') return right;
      if (typeof right === 'boolean') return left;
      return { ...expr, left, right };
    }
    default:
      return expr;
  }
}

/** The condition of the last span set of a chain, which every selected span (or, for &op, some) meets. */
const rightmostCondition = (source: SpanSource): FilterExpr | null => (source.kind === 'spans' ? source.condition : rightmostCondition(source.right));

const not = (expr: FilterExpr): FilterExpr => ({ type: 'not', column: expr.column, expr });
const or = (left: FilterExpr, right: FilterExpr, column: number): FilterExpr => ({ type: 'or', column, left, right });

function allOf(conditions: readonly FilterExpr[], column: number): FilterExpr | null {
  return conditions.reduce<FilterExpr | null>((all, next) => (all === null ? next : { type: 'and', column, left: all, right: next }), null);
}
