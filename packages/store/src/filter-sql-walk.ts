import type { Nanos, TraceStatus } from '@stitch/model';
import type { CompareExpr, CompareOp, FilterExpr, Flag } from '@stitch/query';

/**
 * What a SQL backend supplies to turn a filter expression into SQL with the meaning
 * `traceMatches` defines (ast.ts): the logic (AND, OR, NOT, scopes) is walked here once, the
 * atoms are each dialect's own. A condition about spans becomes a set of trace ids (a CTE, a
 * subquery); trace-level SQL tests membership in those sets.
 */
export interface FilterSqlDialect {
  /** The traces with a span matching `condition` (SQL on one span row). */
  spanSet(condition: string): TraceSet;
  /** The traces with a span of `callee` matching `condition` whose parent is a span of `caller`. */
  edgeSet(caller: string, callee: string, condition: string | null): TraceSet;
  /** The whole trace's duration (first start to last end), or its root span's (responsetime). */
  traceDuration(field: 'duration' | 'responsetime', op: CompareOp, value: Nanos): string;
  /** The trace's status (what its caller saw: its root's outcome, unknown while no root has arrived) is (=) or is not (!=) this one. */
  traceStatus(op: '=' | '!=', value: TraceStatus): string;
  /** A span row's service name equals this one. */
  spanService(service: string): string;
  spanCompare(node: CompareExpr): string;
  spanFlag(flag: Flag): string;
  /** A span row is a call to the inferred peer `name` (in `account`, when not null): the stored peer columns. */
  spanPeer(name: string, account: string | null): string;
}

export interface TraceSet {
  /** Trace-level SQL: true when the trace is in the set. */
  member: string;
  /** The set itself, for drawing candidates from it. */
  set: string;
}

export interface FilterSql {
  /** Trace-level SQL, never NULL. */
  where: string;
  /**
   * Sets one of which contains every matching trace, when the expression implies that
   * (`service("x") { fault } AND duration > 8` does, `NOT fault` does not): candidates can then
   * be drawn from these few ids instead of every trace of the window.
   */
  requiredSets: string[] | null;
}

export function walkFilter(expr: FilterExpr, dialect: FilterSqlDialect): FilterSql {
  const member = ({ member: sql, set }: TraceSet): Walked => ({ sql, need: [set] });
  const onTrace = (node: FilterExpr): Walked => {
    switch (node.type) {
      case 'and': {
        const left = onTrace(node.left);
        const right = onTrace(node.right);
        return { sql: `(${left.sql} AND ${right.sql})`, need: left.need ?? right.need };
      }
      case 'or': {
        const left = onTrace(node.left);
        const right = onTrace(node.right);
        return { sql: `(${left.sql} OR ${right.sql})`, need: left.need && right.need ? [...left.need, ...right.need] : null };
      }
      case 'not':
        return { sql: `(NOT ${onTrace(node.expr).sql})`, need: null };
      case 'service': {
        const service = dialect.spanService(node.service);
        return member(dialect.spanSet(node.body === null ? service : `${service} AND ${onSpan(node.body)}`));
      }
      case 'edge':
        return member(dialect.edgeSet(node.from, node.to, node.body === null ? null : onSpan(node.body)));
      case 'compare':
        if (node.field === 'duration' || node.field === 'responsetime') return { sql: dialect.traceDuration(node.field, node.op, node.value), need: null };
        return member(dialect.spanSet(onSpan(node)));
      case 'flag':
      case 'peer':
        return member(dialect.spanSet(onSpan(node)));
      case 'traceStatus':
        return { sql: dialect.traceStatus(node.op, node.value), need: null };
    }
  };
  /** A condition on one span row; never NULL. */
  const onSpan = (node: FilterExpr): string => {
    switch (node.type) {
      case 'and':
        return `(${onSpan(node.left)} AND ${onSpan(node.right)})`;
      case 'or':
        return `(${onSpan(node.left)} OR ${onSpan(node.right)})`;
      case 'not':
        return `(NOT ${onSpan(node.expr)})`;
      case 'flag':
        return dialect.spanFlag(node.flag);
      case 'compare':
        return dialect.spanCompare(node);
      case 'peer':
        return dialect.spanPeer(node.name, node.account);
      case 'service':
      case 'edge':
      case 'traceStatus':
        throw new Error(`${node.type} inside a span scope`);
    }
  };
  const { sql, need } = onTrace(expr);
  return { where: sql, requiredSets: need };
}

/** SQL for a trace-level condition, and the sets one of which holds every trace it matches (null: no such sets). */
interface Walked {
  sql: string;
  need: string[] | null;
}

/** An ordering operator as SQL (both dialects read <> as "not equal"). */
export function sqlOp(op: CompareOp): string {
  switch (op) {
    case '=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return op;
    case '!=':
      return '<>';
    default:
      throw new Error(`${op} is not an ordering operator`);
  }
}
