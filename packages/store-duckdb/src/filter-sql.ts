import type { CompareExpr, CompareOp, FilterExpr, Flag, TextField } from '@stitch/query';
import type { SqlParams } from './sql-params.ts';

/**
 * A filter expression as DuckDB SQL, following the meaning `traceMatches` defines (ast.ts).
 * Each condition about spans becomes a set of trace ids: `spanFacts[i]`, a condition on a span
 * row `s`, selects the traces of CTE f{i}; `edgeFacts[i]`, a condition on a span `s` and its
 * parent `p`, those of e{i}. Filtering spans first and keeping only ids is what makes a rare
 * match cheap: no per-trace aggregate over every span of the window. `where` combines the sets
 * with the trace's own columns (t.start_ns, t.end_ns, t.root_duration_ns). Every atom is
 * coalesced to false, so NOT of a missing value is true, as in the reference.
 */
export interface CompiledFilter {
  where: string;
  spanFacts: string[];
  edgeFacts: string[];
  needsRootDuration: boolean;
  /**
   * Fact sets (f0, e1, …) one of which contains every matching trace, when the expression
   * implies that (`service("x") { fault } AND duration > 8` does, `NOT fault` does not): the
   * candidates are then drawn from these few ids instead of every trace of the window.
   */
  requiredSets: string[] | null;
}

const TEXT_COLUMNS: Record<Exclude<TextField, 'account'>, string> = {
  'http.url': 's.http_url',
  'http.method': 's.http_method',
  'http.route': 's.http_route',
  name: 's.name',
  kind: 's.kind',
};

export function compileFilter(expr: FilterExpr, params: SqlParams): CompiledFilter {
  const compiled: CompiledFilter = { where: '', spanFacts: [], edgeFacts: [], needsRootDuration: false, requiredSets: null };
  const member = (set: string): Compiled => ({ sql: `(t.trace_id IN (SELECT trace_id FROM ${set}))`, need: [set] });
  const spanFact = (condition: string) => member(`f${compiled.spanFacts.push(condition) - 1}`);

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
        const service = `s.service_name = ${params.add(node.service, 'VARCHAR')}`;
        return spanFact(node.body === null ? service : `${service} AND ${onSpan(node.body, params)}`);
      }
      case 'edge': {
        const pair = `p.service_name = ${params.add(node.from, 'VARCHAR')} AND s.service_name = ${params.add(node.to, 'VARCHAR')}`;
        return member(`e${compiled.edgeFacts.push(node.body === null ? pair : `${pair} AND ${onSpan(node.body, params)}`) - 1}`);
      }
      case 'compare':
        if (node.field === 'duration') return { sql: `((t.end_ns - t.start_ns) ${sqlOp(node.op)} ${params.add(node.value, 'BIGINT')})`, need: null };
        if (node.field === 'responsetime') {
          compiled.needsRootDuration = true;
          return { sql: `coalesce(t.root_duration_ns ${sqlOp(node.op)} ${params.add(node.value, 'BIGINT')}, false)`, need: null };
        }
        return spanFact(onSpan(node, params));
      case 'flag':
        return spanFact(onSpan(node, params));
    }
  };
  const { sql, need } = onTrace(expr);
  compiled.where = sql;
  compiled.requiredSets = need;
  return compiled;
}

/** SQL for a trace-level condition, and the sets one of which holds every trace it matches (null: no such sets). */
interface Compiled {
  sql: string;
  need: string[] | null;
}

/** A condition on one span row `s`; never NULL. */
function onSpan(node: FilterExpr, params: SqlParams): string {
  switch (node.type) {
    case 'and':
      return `(${onSpan(node.left, params)} AND ${onSpan(node.right, params)})`;
    case 'or':
      return `(${onSpan(node.left, params)} OR ${onSpan(node.right, params)})`;
    case 'not':
      return `(NOT ${onSpan(node.expr, params)})`;
    case 'flag':
      return flagSql(node.flag);
    case 'compare':
      return compareSql(node, params);
    case 'service':
    case 'edge':
      throw new Error(`${node.type}() inside a span scope`);
  }
}

const CLIENT_ERROR = 'coalesce(s.http_status BETWEEN 400 AND 499, false)';
const FAULT = `(coalesce(s.http_status >= 500, false) OR (s.status_code = 'error' AND NOT ${CLIENT_ERROR}))`;

function flagSql(flag: Flag): string {
  switch (flag) {
    case 'throttle':
      return 'coalesce(s.http_status = 429, false)';
    case 'error':
      return CLIENT_ERROR;
    case 'fault':
      return FAULT;
    case 'ok':
      return `(NOT ${CLIENT_ERROR} AND NOT ${FAULT})`;
  }
}

function compareSql(node: CompareExpr, params: SqlParams): string {
  switch (node.field) {
    case 'duration':
    case 'responsetime':
      return `((s.end_ns - s.start_ns) ${sqlOp(node.op)} ${params.add(node.value, 'BIGINT')})`;
    case 'http.status':
      return `coalesce(s.http_status ${sqlOp(node.op)} ${params.add(node.value, 'INTEGER')}, false)`;
    case 'account': {
      if (node.op === '!=') {
        const value = params.add(node.value, 'VARCHAR');
        return `NOT coalesce(s.account_id = ${value} OR s.account_label = ${value}, false)`;
      }
      return `(${textSql('s.account_id', node.op, node.value, params)} OR ${textSql('s.account_label', node.op, node.value, params)})`;
    }
    case 'annotation': {
      // The value's JSON text, where the key is listed; NULL when it is not. The IS NOT NULL test
      // first: most spans have no annotations, and it spares them the list lookups.
      const value = `s.annotation_values[list_position(s.annotation_keys, ${params.add(node.key, 'VARCHAR')})]`;
      let test: string;
      if (typeof node.value === 'string') test = `coalesce(starts_with(${value}, '"') AND ${textSql(`json_extract_string(${value}, '$')`, node.op, node.value, params)}, false)`;
      else if (typeof node.value === 'number') test = `coalesce(TRY_CAST(${value} AS DOUBLE) ${sqlOp(node.op)} ${params.add(node.value, 'DOUBLE')}, false)`;
      // "!= true" means the annotation is the boolean false, as in the reference.
      else test = `coalesce(${value} = '${node.value === (node.op === '=') ? 'true' : 'false'}', false)`;
      return `(s.annotation_keys IS NOT NULL AND ${test})`;
    }
    default:
      return textSql(TEXT_COLUMNS[node.field], node.op, node.value, params);
  }
}

function textSql(column: string, op: CompareOp, value: string, params: SqlParams): string {
  const param = params.add(value, 'VARCHAR');
  switch (op) {
    case 'contains':
      return `coalesce(contains(${column}, ${param}), false)`;
    case 'beginswith':
      return `coalesce(starts_with(${column}, ${param}), false)`;
    case 'endswith':
      return `coalesce(ends_with(${column}, ${param}), false)`;
    default:
      return `coalesce(${column} ${sqlOp(op)} ${param}, false)`;
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
      return '<>';
    default:
      throw new Error(`${op} is not an ordering operator`);
  }
}
