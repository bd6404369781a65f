import {
  anchoredPattern,
  type AggregateCondition,
  type AttributeCompare,
  type AttributeScope,
  type CompareOp,
  type FilterExpr,
  type OwnCompareExpr,
  type Flag,
  type PipelineExpr,
  type SpanKey,
  type SpanNumber,
  type TextField,
} from '@stitch/query';
import { childCountSql, sqlOp, walkFilter, type FilterSql, type SpanAtoms, type TraceSet } from '@stitch/store';
import type { SqlParams } from './sql-params.ts';
import { StructureCtes } from './structure-sql.ts';
import { spanIdOfHex, traceIdOfHex } from './span-table.ts';

/**
 * A filter expression as DuckDB SQL (the logic walked by the store's `walkFilter`).
 * Each condition about spans becomes a set of trace ids: `spanFacts[i]`, a condition on a span
 * row `s`, selects the traces of CTE f{i}; `edgeFacts[i]`, a condition on a span `s` and its
 * parent `p`, those of e{i}; `groupFacts[i]`, a pipeline's spans grouped per trace, those of g{i}. Filtering spans first and keeping only ids is what makes a rare
 * match cheap: no per-trace aggregate over every span of the window. `where` combines the sets
 * with the trace's own columns (t.start_ns, t.end_ns, t.root_duration_ns, t.status). Every atom is
 * coalesced to false, so NOT of a missing value is true, as in the reference.
 */
export interface CompiledFilter extends FilterSql {
  spanFacts: string[];
  edgeFacts: string[];
  groupFacts: GroupFact[];
  /** The CTEs of structural operators (structure-sql.ts), some recursive: the query's WITH must say RECURSIVE. */
  structureCtes: string[];
  needsRootDuration: boolean;
  /** The where reads t.status (the trace's status: its root's outcome, or 'unknown'). */
  needsStatus: boolean;
  /** The where reads t.root_name or t.root_service (the root's, or the earliest span's while it is missing). */
  needsRoot: boolean;
}

const TEXT_COLUMNS: Record<Exclude<TextField, 'account' | 'http.method'>, string> = {
  'http.url': 's.http_url',
  'http.route': 's.http_route',
  name: 's.name',
  kind: 's.kind',
  status: 's.status_code',
  'status.message': 's.status_message',
  'scope.name': 's.scope_name',
  'scope.version': 's.scope_version',
  service: 's.service_name',
};

/** A pipeline as SQL on span rows `s`: which spans enter, what else they are grouped by besides their trace, and the HAVING. */
export interface GroupFact {
  condition: string;
  groupBy: string | null;
  having: string;
}

/** `start`: the window's start (SQL), before which no span of a matching trace starts. */
export function compileFilter(expr: FilterExpr, params: SqlParams, start: string): CompiledFilter {
  const spanFacts: string[] = [];
  const edgeFacts: string[] = [];
  const groupFacts: GroupFact[] = [];
  const structures = new StructureCtes(start);
  let needsRootDuration = false;
  let needsStatus = false;
  let needsRoot = false;
  const member = (set: string): TraceSet => ({ member: `(t.trace_id IN (SELECT trace_id FROM ${set}))`, set });
  const { where, requiredSets } = walkFilter(expr, {
    spanSet: (condition) => member(`f${spanFacts.push(condition) - 1}`),
    edgeSet: (caller, callee, condition) => {
      const pair = `p.service_name = ${params.add(caller, 'VARCHAR')} AND s.service_name = ${params.add(callee, 'VARCHAR')}`;
      return member(`e${edgeFacts.push(condition === null ? pair : `${pair} AND ${condition}`) - 1}`);
    },
    traceDuration: (field, op, value) => {
      if (field === 'duration') return `((t.end_ns - t.start_ns) ${sqlOp(op)} ${params.add(value, 'BIGINT')})`;
      needsRootDuration = true;
      return `coalesce(t.root_duration_ns ${sqlOp(op)} ${params.add(value, 'BIGINT')}, false)`;
    },
    traceStatus: (op, value) => {
      needsStatus = true;
      return `(t.status ${sqlOp(op)} ${params.add(value, 'VARCHAR')})`;
    },
    traceRoot: (field, op, value) => {
      needsRoot = true;
      return textSql(field === 'name' ? 't.root_name' : 't.root_service', op, value, params);
    },
    ...spanAtoms(params, () => `start_ns >= ${start}`),
    pipelineSet: (node, condition) => member(`g${groupFacts.push(groupFact(node, condition, params)) - 1}`),
    structureSet: (node, condition) => member(structures.add(node.source, condition)),
  });
  return { where, spanFacts, edgeFacts, groupFacts, structureCtes: structures.ctes, needsRootDuration, needsStatus, needsRoot, requiredSets };
}

/**
 * The atoms of a condition on the span row `s`. `counted`: the spans a child count counts among,
 * as a condition on the unqualified columns of spans (the window's, from its start on); built only
 * where a count is, as it may add parameters.
 */
export function spanAtoms(params: SqlParams, counted: () => string): SpanAtoms {
  return {
    spanService: (service) => `s.service_name = ${params.add(service, 'VARCHAR')}`,
    spanCompare: (node) => compareSql(node, params),
    spanChildCount: (op, value) => childCountSql(op, value, { traceId: 's.trace_id', spanId: 's.span_id', spans: `spans WHERE ${counted()}`, parentId: 'parent_span_id' }),
    spanFlag: flagSql,
    spanPeer: (name, account) =>
      `coalesce(s.peer_name = ${params.add(name, 'VARCHAR')}${account === null ? '' : ` AND s.peer_account = ${params.add(account, 'VARCHAR')}`}, false)`,
    anySpan: 'true',
  };
}

/** A span row's outcome, as model's outcomeOf (on the unqualified columns of spans). */
export const SPAN_OUTCOME_SQL = `(CASE WHEN http_status BETWEEN 400 AND 499 THEN 'error' WHEN http_status >= 500 OR status_code = 'error' THEN 'fault' ELSE 'ok' END)`;

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

function compareSql(node: OwnCompareExpr, params: SqlParams): string {
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
    case 'attribute':
      return attributeSql(node, params);
    // Ids are binary here (span-table.ts): the literal becomes one too.
    case 'span:id':
      return `coalesce(s.span_id ${sqlOp(node.op)} ${spanIdOfHex(params.add(node.value, 'VARCHAR'))}, false)`;
    case 'span:parentID':
      return `coalesce(s.parent_span_id ${sqlOp(node.op)} ${spanIdOfHex(params.add(node.value, 'VARCHAR'))}, false)`;
    case 'trace:id':
      return `coalesce(s.trace_id ${sqlOp(node.op)} ${traceIdOfHex(params.add(node.value, 'VARCHAR'))}, false)`;
    case 'http.method':
      // Methods compare without case (ast.ts); a pattern sees the method as sent.
      if (node.op === '=~' || node.op === '!~') return textSql('s.http_method', node.op, node.value, params);
      return textSql('upper(s.http_method)', node.op, node.value.toUpperCase(), params);
    case 'event:name':
      return someItem('s.event_facets.names', (name) => textSql(name, node.op, node.value, params));
    case 'event:timeSinceStart':
      return someItem('s.event_facets.offsets', (offset) => `${offset} ${sqlOp(node.op)} ${params.add(node.value, 'BIGINT')}`);
    case 'link:traceID':
      return someItem('s.link_facets.trace_ids', (id) => textSql(id, node.op, node.value, params));
    case 'link:spanID':
      return someItem('s.link_facets.span_ids', (id) => textSql(id, node.op, node.value, params));
    default:
      return textSql(TEXT_COLUMNS[node.field], node.op, node.value, params);
  }
}

/**
 * An attribute of the span (its own typed lists) or of its resource (the same lists in
 * `resources`, found by resource_id: a few rows, so the spans' side is one semi-join).
 */
function attributeSql(node: AttributeCompare, params: SqlParams): string {
  // Built only where used: each adds its parameters.
  const key = params.add(node.key, 'VARCHAR');
  if (node.scope === 'event' || node.scope === 'link') return nestedAttributeTest(`s.${node.scope}_facets`, key, node, params);
  const onSpan = () => attributeTest('s', key, node, params);
  const onResource = () => `s.resource_id IN (SELECT resource_id FROM resources r WHERE ${attributeTest('r', key, node, params)})`;
  if (node.scope === 'span') return onSpan();
  if (node.scope === 'resource') return onResource();
  // The span's where it has the key, else the resource's; nil: absent from both, or present in either.
  if (node.value === null) return node.op === '=' ? `(${onSpan()} AND ${onResource()})` : `(${onSpan()} OR ${onResource()})`;
  return `(${onSpan()} OR (NOT ${presentSql('s', key)} AND ${onResource()}))`;
}

/** The key is listed on the row `alias`, with a value of any type. */
const presentSql = (alias: string, key: string) =>
  `(${(['str', 'num', 'bool', 'other'] as const).map((list) => `coalesce(list_contains(${alias}.${list}_keys, ${key}), false)`).join(' OR ')})`;

/** The value of `key` in one typed list of the row `alias` (NULL where it is not listed there). */
const listValue = (alias: string, list: 'str' | 'num' | 'bool', key: string) => `${alias}.${list}_values[list_position(${alias}.${list}_keys, ${key})]`;

/**
 * The test on one row's typed lists (`alias`): the value where the key is listed with the
 * literal's type. Whether it is listed is asked first: list_contains is several times cheaper
 * than finding the value (10M spans: 120 ms against 490), and most rows lack any one key.
 */
function attributeTest(alias: string, key: string, node: AttributeCompare, params: SqlParams): string {
  if (node.value === null) return node.op === '=' ? `(NOT ${presentSql(alias, key)})` : presentSql(alias, key);
  const list = listOf(node.value);
  return `(coalesce(list_contains(${alias}.${list}_keys, ${key}), false) AND ${valueTest(listValue(alias, list, key), node.op, node.value, params)})`;
}

/** The typed list a literal's values are kept in. */
const listOf = (value: string | number | boolean) => (typeof value === 'string' ? 'str' : typeof value === 'number' ? 'num' : 'bool');

/** `value` (SQL, of the literal's type; NULL: none) compared with the literal, never NULL. */
function valueTest(value: string, op: CompareOp, literal: string | number | boolean, params: SqlParams): string {
  if (typeof literal === 'string') return textSql(value, op, literal, params);
  if (typeof literal === 'number') return `coalesce(${value} ${sqlOp(op)} ${params.add(literal, 'DOUBLE')}, false)`;
  // "!= true" is the boolean false, as in the reference.
  return `coalesce(${value} = ${literal === (op === '=') ? 'true' : 'false'}, false)`;
}

/** Some item of the list (SQL; NULL: none) meets `test` (SQL made of the item's). */
const someItem = (list: string, test: (item: string) => string) => `coalesce(list_bool_or(list_transform(${list}, lambda item: ${test('item')})), false)`;

/**
 * The test on the typed lists of a span's events or links (`facets`, a struct of them): some
 * event (link) has the key with a value of the literal's type that meets it, or, for nil, none
 * has the key (= nil) or one has it (!= nil). The key's presence is tested first: it spares most
 * rows the lambda.
 */
function nestedAttributeTest(facets: string, key: string, node: AttributeCompare, params: SqlParams): string {
  if (node.value === null) return node.op === '=' ? `(NOT ${presentSql(facets, key)})` : presentSql(facets, key);
  const list = listOf(node.value);
  const test = valueTest(`${facets}.${list}_values[position]`, node.op, node.value, params);
  return `coalesce(list_contains(${facets}.${list}_keys, ${key}) AND list_bool_or(list_transform(${facets}.${list}_keys, lambda listed, position: listed = ${key} AND ${test})), false)`;
}

/**
 * A value of the span row `s` for an attribute in `scope`, made from `valueOn(alias)` on the span's
 * lists or its resource's row (one of them: a resource may have been added twice).
 */
function scopedValue(scope: AttributeScope, key: string, valueOn: (alias: string) => string): string {
  const onResource = `(SELECT ${valueOn('r')} FROM resources r WHERE r.resource_id = s.resource_id LIMIT 1)`;
  if (scope === 'span') return valueOn('s');
  if (scope === 'resource') return onResource;
  return `(CASE WHEN ${presentSql('s', key)} THEN ${valueOn('s')} ELSE ${onResource} END)`;
}

function groupFact(node: PipelineExpr, condition: string, params: SqlParams): GroupFact {
  const having = node.conditions.map((aggregate) => `coalesce(${aggregateSql(aggregate, params)} ${sqlOp(aggregate.op)} ${params.add(aggregate.value, 'DOUBLE')}, false)`);
  return { condition, groupBy: node.by === null ? null : groupKeySql(node.by, params), having: having.join(' AND ') };
}

function aggregateSql(aggregate: AggregateCondition, params: SqlParams): string {
  return aggregate.fn === 'count' ? 'count(*)' : `${aggregate.fn}(${numberSql(aggregate.of!, params)})`;
}

/** A span's number: its duration, or a numeric attribute (NULL where it has none, which aggregates skip). */
export function numberSql(of: SpanNumber, params: SqlParams): string {
  if (of.kind === 'duration') return '(s.end_ns - s.start_ns)';
  const key = params.add(of.key, 'VARCHAR');
  return scopedValue(of.scope, key, (alias) => listValue(alias, 'num', key));
}

/** A span's group under by(): its value, tagged with its type so 1 and "1" differ; NULL (one group) where it has none. */
export function groupKeySql(by: SpanKey, params: SqlParams): string {
  if (by.kind === 'field') return `('s:' || ${by.field === 'http.method' ? 's.http_method' : TEXT_COLUMNS[by.field]})`;
  const key = params.add(by.key, 'VARCHAR');
  return scopedValue(by.scope, key, (alias) => `coalesce('s:' || ${listValue(alias, 'str', key)}, 'n:' || ${listValue(alias, 'num', key)}::VARCHAR, 'b:' || ${listValue(alias, 'bool', key)}::VARCHAR)`);
}

function textSql(column: string, op: CompareOp, value: string, params: SqlParams): string {
  if (op === '=~' || op === '!~') return `coalesce(${op === '!~' ? 'NOT ' : ''}regexp_matches(${column}, ${params.add(anchoredPattern(value), 'VARCHAR')}), false)`;
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
