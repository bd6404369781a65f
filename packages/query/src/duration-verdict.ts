import type { CompareOp, FilterExpr } from './ast.ts';

/** What is known of a trace's duration before its spans are read: at least `nanos`, or exactly. */
export interface KnownDuration {
  nanos: bigint;
  exact: boolean;
}

/**
 * Whether a trace matches, judged only from its duration: true or false when that settles it,
 * null when the answer depends on its spans. Every condition but the trace's `duration` is
 * unknown here (three-valued: false AND unknown is false, true OR unknown is true). Federated
 * search uses it to drop candidates without fetching them (`duration > 8` rules out most traces
 * from the bounds of their parts alone).
 */
export function verdictFromDuration(expr: FilterExpr, duration: KnownDuration): boolean | null {
  switch (expr.type) {
    case 'and': {
      const left = verdictFromDuration(expr.left, duration);
      if (left === false) return false;
      const right = verdictFromDuration(expr.right, duration);
      if (right === false) return false;
      return left === true && right === true ? true : null;
    }
    case 'or': {
      const left = verdictFromDuration(expr.left, duration);
      if (left === true) return true;
      const right = verdictFromDuration(expr.right, duration);
      if (right === true) return true;
      return left === false && right === false ? false : null;
    }
    case 'not': {
      const inner = verdictFromDuration(expr.expr, duration);
      return inner === null ? null : !inner;
    }
    case 'compare':
      return expr.field === 'duration' ? compareRange(duration, expr.op, expr.value) : null;
    default:
      return null;
  }
}

/** A comparison of a duration known to lie in [low, high] (high unbounded unless exact). */
function compareRange({ nanos: low, exact }: KnownDuration, op: CompareOp, value: bigint): boolean | null {
  const high = exact ? low : null;
  const atMost = (bound: bigint) => high !== null && high <= bound;
  const below = (bound: bigint) => high !== null && high < bound;
  switch (op) {
    case '>':
      return low > value ? true : atMost(value) ? false : null;
    case '>=':
      return low >= value ? true : below(value) ? false : null;
    case '<':
      return below(value) ? true : low >= value ? false : null;
    case '<=':
      return atMost(value) ? true : low > value ? false : null;
    case '=':
      return exact ? low === value : low > value ? false : null;
    case '!=':
      return exact ? low !== value : low > value ? true : null;
    default:
      return null;
  }
}
