import { CONVERSE, structuralParts, type BaseRelation, type FilterExpr, type SpanSource } from '@stitch/query';

// TraceQL's structural operators as DuckDB CTEs, with the meaning of the query package's
// selectSpans. Every span set is a CTE of rows (trace_id, span_id, parent_span_id, row_id: the
// span's own row, so two copies of a retried span stay two spans); a relation selects rows of its
// right set by EXISTS against its left, and `>>` / `<<` walk parents with a recursive CTE over
// the spans of the traces both sides share (a handful, not the window).


/** Builds the CTEs of structures into `ctes`; `start` bounds every scan of spans (the window's start, SQL). */
export class StructureCtes {
  readonly ctes: string[] = [];
  private count = 0;

  constructor(private readonly start: string) {}

  /** The name of a CTE holding the spans `source` selects; `condition` writes a span set's condition on a span row `s`. */
  add(source: SpanSource, condition: (expr: FilterExpr | null) => string): string {
    if (source.kind === 'spans') {
      return this.cte(`SELECT s.trace_id, s.span_id, s.parent_span_id, s.rowid AS row_id FROM spans s WHERE s.start_ns >= ${this.start} AND ${condition(source.condition)}`);
    }
    const left = this.add(source.left, condition);
    const right = this.add(source.right, condition);
    const { base, negated, union } = structuralParts(source.op);
    const needsWalk = base === '>>' || base === '<<';
    // The spans a walk may pass through: those of traces the two sides share (with NOT, of the right side's traces).
    const traces = negated ? `SELECT trace_id FROM ${right}` : `SELECT trace_id FROM ${right} INTERSECT SELECT trace_id FROM ${left}`;
    const within = needsWalk ? this.cte(`SELECT s.trace_id, s.span_id, s.parent_span_id FROM spans s WHERE s.start_ns >= ${this.start} AND s.trace_id IN (${traces})`) : '';
    const chosen = this.cte(`SELECT * FROM ${right} r WHERE ${negated ? 'NOT ' : ''}${this.holds(base, right, 'r', left, within)}`);
    if (!union) return chosen;
    // The left side's spans that take part: the relation read from their side.
    return this.cte(`SELECT * FROM ${chosen} UNION SELECT * FROM ${left} l WHERE ${this.holds(CONVERSE[base], left, 'l', chosen, within)}`);
  }

  /** SQL on the row `alias` of the set `rows`: it stands in the relation to some row of the set `of`. */
  private holds(op: BaseRelation, rows: string, alias: string, of: string, within: string): string {
    const some = (match: string) => `EXISTS (SELECT 1 FROM ${of} o WHERE o.trace_id = ${alias}.trace_id AND ${match})`;
    switch (op) {
      case '>':
        return some(`o.span_id = ${alias}.parent_span_id`);
      case '<':
        return some(`o.parent_span_id = ${alias}.span_id`);
      case '~':
        return some(`o.parent_span_id = ${alias}.parent_span_id AND o.span_id <> ${alias}.span_id`);
      case '>>':
        // Some ancestor of the row is in `of`.
        return `EXISTS (SELECT 1 FROM ${this.ancestors(rows, within)} a JOIN ${of} o ON o.trace_id = a.trace_id AND o.span_id = a.ancestor WHERE a.trace_id = ${alias}.trace_id AND a.row_id = ${alias}.row_id)`;
      case '<<': {
        // The row is an ancestor of some row of `of`.
        const above = this.ancestors(of, within);
        return `EXISTS (SELECT 1 FROM ${above} a WHERE a.trace_id = ${alias}.trace_id AND a.ancestor = ${alias}.span_id)`;
      }
    }
  }

  /** A recursive CTE (trace_id, row_id, ancestor): every id above each row of the set `rows`, through the spans of `within`. */
  private ancestors(rows: string, within: string): string {
    const name = `x${this.count++}`;
    this.ctes.push(`${name}(trace_id, row_id, ancestor) AS (
      SELECT trace_id, row_id, parent_span_id FROM ${rows} WHERE parent_span_id IS NOT NULL
      UNION
      SELECT a.trace_id, a.row_id, w.parent_span_id FROM ${name} a JOIN ${within} w ON w.trace_id = a.trace_id AND w.span_id = a.ancestor
      WHERE w.parent_span_id IS NOT NULL
    )`);
    return name;
  }

  private cte(sql: string): string {
    const name = `x${this.count++}`;
    this.ctes.push(`${name} AS MATERIALIZED (${sql})`);
    return name;
  }
}
