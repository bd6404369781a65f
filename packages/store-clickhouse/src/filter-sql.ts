import type { CompareExpr, CompareOp, FilterExpr, Flag, TextField } from '@stitch/query';
import { float64, int64, text } from './sql-literals.ts';

/**
 * A filter expression as ClickHouse SQL, following the meaning `traceMatches` defines (ast.ts),
 * as the DuckDB compiler does. Each condition about spans becomes a set of trace ids: a subquery
 * over the spans of this node (`spansTable`, the local table: a trace lives on one shard, so
 * every shard answers for its own traces). `where` combines the sets with the trace's merged
 * columns (trace_start, trace_end, root_duration) and goes in the HAVING of the per-trace merge.
 * Every atom is false, never NULL, when its value is missing, so NOT of a missing value is true.
 */
export interface CompiledFilter {
  where: string;
  needsRootDuration: boolean;
  /**
   * Sets (subqueries) one of which contains every matching trace, when the expression implies
   * that: the candidates are then drawn from these ids instead of every trace of the window.
   */
  requiredSets: string[] | null;
}

const TEXT_COLUMNS: Record<Exclude<TextField, 'account'>, string> = {
  'http.url': 'http_url',
  'http.method': 'http_method',
  'http.route': 'http_route',
  name: 'name',
  kind: 'kind',
};

/** `windowStart`: a span cannot start before its trace, so span scans start there. */
export function compileFilter(expr: FilterExpr, spansTable: string, windowStart: bigint): CompiledFilter {
  const from = `${int64(windowStart)}`;
  let needsRootDuration = false;
  const member = (set: string): Compiled => ({ sql: `(trace_id IN ${set})`, need: [set] });
  const spanSet = (condition: string) => member(`(SELECT trace_id FROM ${spansTable} WHERE start_ns >= ${from} AND ${condition})`);
  // A span (the callee) whose parent is a span of the caller; 18.16 joins only on equal columns.
  const edgeSet = (caller: string, callee: string) =>
    member(`(SELECT trace_id FROM
      (SELECT trace_id, ifNull(parent_span_id, '') AS join_span_id FROM ${spansTable} WHERE start_ns >= ${from} AND ${callee})
      ALL INNER JOIN
      (SELECT trace_id, span_id AS join_span_id FROM ${spansTable} WHERE start_ns >= ${from} AND service_name = ${text(caller)})
      USING (trace_id, join_span_id))`);

  const onTrace = (node: FilterExpr): Compiled => {
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
        const service = `service_name = ${text(node.service)}`;
        return spanSet(node.body === null ? service : `${service} AND ${onSpan(node.body)}`);
      }
      case 'edge': {
        const callee = `service_name = ${text(node.to)}`;
        return edgeSet(node.from, node.body === null ? callee : `${callee} AND ${onSpan(node.body)}`);
      }
      case 'compare':
        if (node.field === 'duration') return { sql: `((trace_end - trace_start) ${sqlOp(node.op)} ${int64(node.value)})`, need: null };
        if (node.field === 'responsetime') {
          needsRootDuration = true;
          return { sql: `(root_duration ${sqlOp(node.op)} ${int64(node.value)})`, need: null };
        }
        return spanSet(onSpan(node));
      case 'flag':
        return spanSet(onSpan(node));
    }
  };
  const { sql, need } = onTrace(expr);
  return { where: sql, needsRootDuration, requiredSets: need };
}

interface Compiled {
  sql: string;
  need: string[] | null;
}

/** A condition on one span row; never NULL. */
function onSpan(node: FilterExpr): string {
  switch (node.type) {
    case 'and':
      return `(${onSpan(node.left)} AND ${onSpan(node.right)})`;
    case 'or':
      return `(${onSpan(node.left)} OR ${onSpan(node.right)})`;
    case 'not':
      return `(NOT ${onSpan(node.expr)})`;
    case 'flag':
      return flagSql(node.flag);
    case 'compare':
      return compareSql(node);
    case 'service':
    case 'edge':
      throw new Error(`${node.type}() inside a span scope`);
  }
}

const CLIENT_ERROR = 'ifNull(http_status BETWEEN 400 AND 499, 0)';
const FAULT = `(ifNull(http_status >= 500, 0) OR (status_code = 'error' AND NOT ${CLIENT_ERROR}))`;

function flagSql(flag: Flag): string {
  switch (flag) {
    case 'throttle':
      return 'ifNull(http_status = 429, 0)';
    case 'error':
      return CLIENT_ERROR;
    case 'fault':
      return FAULT;
    case 'ok':
      return `(NOT ${CLIENT_ERROR} AND NOT ${FAULT})`;
  }
}

function compareSql(node: CompareExpr): string {
  switch (node.field) {
    case 'duration':
    case 'responsetime':
      return `((end_ns - start_ns) ${sqlOp(node.op)} ${int64(node.value)})`;
    case 'http.status':
      return `ifNull(http_status ${sqlOp(node.op)} ${float64(node.value)}, 0)`;
    case 'account':
      if (node.op === '!=') return `NOT (account_id = ${text(node.value)} OR account_label = ${text(node.value)})`;
      return `(${textSql('account_id', node.op, node.value)} OR ${textSql('account_label', node.op, node.value)})`;
    case 'annotation': {
      // indexOf is 0 where the key is not listed, and element 0 of an array is its type's default.
      const at = `indexOf(annotation_keys, ${text(node.key)})`;
      if (typeof node.value === 'string') {
        return `(${at} > 0 AND startsWith(annotation_values[${at}], '"') AND ${textSql(`annotation_strings[${at}]`, node.op, node.value)})`;
      }
      if (typeof node.value === 'number') {
        // nan (not a number) compares unequal to everything; the reference says false.
        return `(${at} > 0 AND NOT isNaN(annotation_numbers[${at}]) AND annotation_numbers[${at}] ${sqlOp(node.op)} ${float64(node.value)})`;
      }
      // "!= true" means the annotation is the boolean false, as in the reference.
      return `(${at} > 0 AND annotation_values[${at}] = '${node.value === (node.op === '=') ? 'true' : 'false'}')`;
    }
    default:
      return textSql(TEXT_COLUMNS[node.field], node.op, node.value);
  }
}

function textSql(column: string, op: CompareOp, value: string): string {
  const needle = text(value);
  switch (op) {
    case 'contains':
      return `ifNull(position(${column}, ${needle}) > 0, 0)`;
    case 'beginswith':
      return `ifNull(startsWith(${column}, ${needle}), 0)`;
    case 'endswith':
      return `ifNull(endsWith(${column}, ${needle}), 0)`;
    default:
      return `ifNull(${column} ${sqlOp(op)} ${needle}, 0)`;
  }
}

function sqlOp(op: CompareOp): string {
  switch (op) {
    case '=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return op;
    case '!=':
      return '!=';
    default:
      throw new Error(`${op} is not an ordering operator`);
  }
}
