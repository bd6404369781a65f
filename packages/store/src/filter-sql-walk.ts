import type { Nanos, TraceStatus } from '@stitch/model';
import { compareOrdered, type CompareOp, type FilterExpr, type Flag, type OwnCompareExpr, type PipelineExpr, type StructureExpr } from '@stitch/query';

/**
 * What a SQL backend supplies to turn a filter expression into SQL with the meaning
 * `traceMatches` defines (ast.ts): the logic (AND, OR, NOT, scopes) is walked here once, the
 * atoms are each dialect's own. A condition about spans becomes a set of trace ids (a CTE, a
 * subquery); trace-level SQL tests membership in those sets.
 */
/** The atoms of a condition on one span row, in a dialect's SQL. */
export interface SpanAtoms {
  /** A span row's service name equals this one. */
  spanService(service: string): string;
  spanCompare(node: OwnCompareExpr): string;
  /** `span:childCount op value` on a span row (childCountSql, over the spans the dialect counts among). */
  spanChildCount(op: CompareOp, value: number): string;
  spanFlag(flag: Flag): string;
  /** A span row is a call to the inferred peer `name` (in `account`, when not null): the stored peer columns. */
  spanPeer(name: string, account: string | null): string;
  /** True on any span row (`{ }`). */
  anySpan: string;
}

export interface FilterSqlDialect extends SpanAtoms {
  /** The traces with a span matching `condition` (SQL on one span row). */
  spanSet(condition: string): TraceSet;
  /** The traces with a span of `callee` matching `condition` whose parent is a span of `caller`. */
  edgeSet(caller: string, callee: string, condition: string | null): TraceSet;
  /** The whole trace's duration (first start to last end), or its root span's (responsetime). */
  traceDuration(field: 'duration' | 'responsetime', op: CompareOp, value: Nanos): string;
  /** The trace's status (what its caller saw: its root's outcome, unknown while no root has arrived) is (=) or is not (!=) this one. */
  traceStatus(op: '=' | '!=', value: TraceStatus): string;
  /** The name or service of the trace's root (the earliest span while no parentless one has arrived), compared as text. */
  traceRoot(field: 'name' | 'service', op: CompareOp, value: string): string;
  /** The traces where the spans matching `condition`, grouped by the pipeline's by(), have a group meeting all its aggregate conditions. */
  pipelineSet(node: PipelineExpr, condition: string): TraceSet;
  /** The traces where the structure's relation selects some span; `condition` gives a span set's condition as SQL on a span row. */
  structureSet(node: StructureExpr, condition: (expr: FilterExpr | null) => string): TraceSet;
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
  /** A set's SQL, asked of the dialect once it is settled (the dialect may add a CTE per set). */
  const settle = (walked: Walked): Settled => {
    if (walked.kind === 'settled') return walked;
    const { member, set } = dialect.spanSet(walked.condition);
    return { kind: 'settled', sql: member, need: [set] };
  };
  const onTrace = (node: FilterExpr): Walked => {
    switch (node.type) {
      case 'and': {
        const left = settle(onTrace(node.left));
        const right = settle(onTrace(node.right));
        return { kind: 'settled', sql: `(${left.sql} AND ${right.sql})`, need: left.need ?? right.need };
      }
      case 'or':
        return disjunction(orOperands(node).map(onTrace));
      case 'not':
        return { kind: 'settled', sql: `(NOT ${settle(onTrace(node.expr)).sql})`, need: null };
      case 'service': {
        const service = dialect.spanService(node.service);
        return { kind: 'spans', condition: node.body === null ? service : `${service} AND ${onSpan(node.body)}` };
      }
      case 'edge': {
        const { member, set } = dialect.edgeSet(node.from, node.to, node.body === null ? null : onSpan(node.body));
        return { kind: 'settled', sql: member, need: [set] };
      }
      case 'compare':
        if (node.field === 'duration' || node.field === 'responsetime') return { kind: 'settled', sql: dialect.traceDuration(node.field, node.op, node.value), need: null };
        return { kind: 'spans', condition: onSpan(node) };
      case 'flag':
      case 'peer':
        return { kind: 'spans', condition: onSpan(node) };
      case 'spanSet':
        return { kind: 'spans', condition: node.body === null ? dialect.anySpan : onSpan(node.body) };
      case 'pipeline': {
        const { member, set } = dialect.pipelineSet(node, node.spans === null ? dialect.anySpan : onSpan(node.spans));
        return { kind: 'settled', sql: member, need: [set] };
      }
      case 'structure': {
        const { member, set } = dialect.structureSet(node, (condition) => (condition === null ? dialect.anySpan : onSpan(condition)));
        return { kind: 'settled', sql: member, need: [set] };
      }
      case 'traceStatus':
        return { kind: 'settled', sql: dialect.traceStatus(node.op, node.value), need: null };
      case 'traceRoot':
        return { kind: 'settled', sql: dialect.traceRoot(node.field, node.op, node.value), need: null };
    }
  };
  /**
   * "Some span matches A, or some span matches B" is "some span matches A OR B": the span
   * conditions of an OR chain become one set, so 127 OR'd conditions read the spans once, not
   * 127 times (each set is a pass over the window's spans).
   */
  const disjunction = (operands: Walked[]): Walked => {
    const spanConditions = operands.flatMap((walked) => (walked.kind === 'spans' ? [walked.condition] : []));
    const others = operands.filter((walked): walked is Settled => walked.kind === 'settled');
    const merged: Walked | null = spanConditions.length === 0 ? null : { kind: 'spans', condition: spanConditions.length === 1 ? spanConditions[0]! : `(${spanConditions.join(' OR ')})` };
    if (others.length === 0) return merged!;
    const settled = merged ? [settle(merged), ...others] : others;
    const need = settled.every((walked) => walked.need !== null) ? settled.flatMap((walked) => walked.need!) : null;
    return { kind: 'settled', sql: `(${settled.map((walked) => walked.sql).join(' OR ')})`, need };
  };
  const onSpan = (node: FilterExpr) => spanConditionSql(node, dialect);
  const { sql, need } = settle(onTrace(expr));
  return { where: sql, requiredSets: need };
}

/** A condition on one span row (inside braces, or a span set's), never NULL: the dialect's atoms joined. */
export function spanConditionSql(node: FilterExpr, atoms: SpanAtoms): string {
  switch (node.type) {
    case 'and':
      return `(${spanConditionSql(node.left, atoms)} AND ${spanConditionSql(node.right, atoms)})`;
    case 'or':
      return `(${spanConditionSql(node.left, atoms)} OR ${spanConditionSql(node.right, atoms)})`;
    case 'not':
      return `(NOT ${spanConditionSql(node.expr, atoms)})`;
    case 'flag':
      return atoms.spanFlag(node.flag);
    case 'compare':
      return node.field === 'span:childCount' ? atoms.spanChildCount(node.op, node.value) : atoms.spanCompare(node);
    case 'peer':
      return atoms.spanPeer(node.name, node.account);
    case 'service':
    case 'edge':
    case 'traceStatus':
    case 'traceRoot':
    case 'spanSet':
    case 'pipeline':
    case 'structure':
      throw new Error(`${node.type} inside a span scope`);
  }
}

/** The operands of a chain of ORs (a OR b OR c parses as (a OR b) OR c), left to right. */
function orOperands(node: FilterExpr): FilterExpr[] {
  const operands: FilterExpr[] = [];
  const stack: FilterExpr[] = [node];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (next.type === 'or') stack.push(next.right, next.left);
    else operands.push(next);
  }
  return operands;
}

/**
 * A trace-level condition as walked: "some span matches `condition`" while it may still merge
 * with its OR siblings, or settled SQL with the sets one of which holds every trace it matches
 * (null: no such sets).
 */
type Walked = { kind: 'spans'; condition: string } | Settled;
type Settled = { kind: 'settled'; sql: string; need: string[] | null };

/** Where a span's children are counted: its row's trace and span ids, and the spans counted among (`FROM … WHERE …`) with their parent id. */
export interface ChildCountSource {
  traceId: string;
  spanId: string;
  spans: string;
  parentId: string;
}

/**
 * `span:childCount op value`, in either dialect: the span's ids among the (trace, parent) pairs
 * counted so, one uncorrelated GROUP BY. Where a leaf (no child, no pair) meets the condition,
 * it is the ids NOT among the pairs that fail it.
 */
export function childCountSql(op: CompareOp, value: number, source: ChildCountSource): string {
  const leafMeets = compareOrdered(0, op, value);
  const meets = `count(*) ${sqlOp(op)} ${Math.trunc(value)}`;
  return `((${source.traceId}, ${source.spanId}) ${leafMeets ? 'NOT IN' : 'IN'} (SELECT trace_id, ${source.parentId} FROM ${source.spans} AND parent_span_id IS NOT NULL
    GROUP BY trace_id, ${source.parentId} HAVING ${leafMeets ? `NOT (${meets})` : meets}))`;
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
