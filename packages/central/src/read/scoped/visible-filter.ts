import { isHiddenServiceName, nanos, placeholderOf, type Span } from '@stitch/model';
import { traceMatches, type FilterExpr } from '@stitch/query';

/**
 * A condition the store can check on a whole trace, implied by `expr` holding on the trace as a
 * scoped reader sees it (its own spans whole, the others' as placeholders): the search asks the
 * store for traces meeting it, then checks `expr` itself on what the reader sees. Null: no
 * condition (every trace with the reader's spans is a candidate).
 *
 * Each kept condition is one that a placeholder can never make true, so where it holds on the
 * reader's view, one of the reader's own spans (the same in the store) makes it true there too;
 * the trace's duration and its root's are the same in both views. NOT, trace.status (the root may
 * be a placeholder) and conditions a placeholder meets (`name != "x"`, `ok`) are left out.
 */
export function visibleImpliedFilter(expr: FilterExpr): FilterExpr | null {
  switch (expr.type) {
    case 'and': {
      const left = visibleImpliedFilter(expr.left);
      const right = visibleImpliedFilter(expr.right);
      return left && right ? { ...expr, left, right } : (left ?? right);
    }
    case 'or': {
      const left = visibleImpliedFilter(expr.left);
      const right = visibleImpliedFilter(expr.right);
      return left && right ? { ...expr, left, right } : null;
    }
    case 'not':
    case 'traceStatus':
    case 'traceRoot':
    case 'pipeline':
    case 'structure':
      return null;
    case 'service':
      return isHiddenServiceName(expr.service) ? null : expr;
    case 'edge':
      return isHiddenServiceName(expr.from) || isHiddenServiceName(expr.to) ? null : expr;
    case 'compare':
      if (expr.field === 'duration' || expr.field === 'responsetime') return expr;
      // A placeholder keeps its account id (and shows it as its label): = and its kin hold on the real span too.
      if (expr.field === 'account') return expr.op === '!=' ? null : expr;
      return placeholderMeets(expr) ? null : expr;
    case 'flag':
    case 'peer':
    case 'spanSet':
      return placeholderMeets(expr) ? null : expr;
  }
}

/**
 * Whether the whole filter means the same on both views: only the trace's and its root's
 * durations, which placeholders keep. Then the store can answer it (counts, histograms) alone.
 */
export function sameOnVisible(expr: FilterExpr | undefined): boolean {
  if (expr === undefined) return true;
  switch (expr.type) {
    case 'and':
    case 'or':
      return sameOnVisible(expr.left) && sameOnVisible(expr.right);
    case 'not':
      return sameOnVisible(expr.expr);
    case 'compare':
      return expr.field === 'duration' || expr.field === 'responsetime';
    default:
      return false;
  }
}

const SAMPLE: Span = placeholderOf({
  traceId: '1'.repeat(32),
  spanId: '1'.repeat(16),
  parentSpanId: null,
  name: 'sample',
  kind: 'server',
  startTimeUnixNano: nanos(1n),
  endTimeUnixNano: nanos(2n),
  status: { code: 'error' },
  http: { statusCode: 500 },
  resource: { serviceName: 'sample' },
  account: { id: '000000000000', label: 'sample' },
});

/** A span condition (no trace-level duration in it) that a placeholder span satisfies. */
const placeholderMeets = (expr: FilterExpr) => traceMatches(expr, [SAMPLE]);
