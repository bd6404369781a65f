import {
  anchoredPattern,
  spanSetsOf,
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
import { exactFloat64, float64, int64, text } from './sql-literals.ts';
import { numberBitsColumn, type ListsPrefix } from './span-layout.ts';
import type { ResolvedStructures, StructureRequest } from './structure-sql.ts';

/**
 * A filter expression as ClickHouse SQL (the logic walked by the store's `walkFilter`). Each
 * condition about spans becomes a subquery of trace ids over the spans of this node
 * (`spansTable`, the local table: a trace lives on one shard, so every shard answers for its own
 * traces). `where` goes in the HAVING of the per-trace merge, over its columns (trace_start,
 * trace_end, root_duration, trace_status). Every atom is false, never NULL, when its value is missing, so NOT
 * of a missing value is true, as in the reference.
 */
export interface CompiledFilter extends FilterSql {
  needsRootDuration: boolean;
  /** The where reads trace_status (the root's outcome, or 'unknown'). */
  needsStatus: boolean;
  /** The where reads the root's name or service (trace_root_name…, trace_first_name… while it is missing). */
  needsRoot: boolean;
  /** Structures to resolve before this SQL means what the filter does. */
  structureRequests: StructureRequest[];
}

const TEXT_COLUMNS: Record<Exclude<TextField, 'account' | 'http.method'>, string> = {
  'http.url': 'http_url',
  'http.route': 'http_route',
  name: 'name',
  kind: 'kind',
  status: 'status_code',
  'status.message': 'status_message',
  'scope.name': 'scope_name',
  'scope.version': 'scope_version',
  service: 'service_name',
};

/**
 * `windowStart`: a span cannot start before its trace, so span scans start there. `structures`:
 * the traces each structure selects (structure-sql.ts); one not there yet is matched by no trace
 * and listed in `structureRequests`, with what resolving it needs.
 */
export function compileFilter(expr: FilterExpr, spansTable: string, windowStart: bigint, structures: ResolvedStructures = new Map()): CompiledFilter {
  const from = int64(windowStart);
  let needsRootDuration = false;
  let needsStatus = false;
  let needsRoot = false;
  const structureRequests: StructureRequest[] = [];
  const member = (set: string): TraceSet => ({ member: `(trace_id IN ${set})`, set });
  const compiled = walkFilter(expr, {
    spanSet: (condition) => member(`(SELECT trace_id FROM ${spansTable} WHERE start_ns >= ${from} AND ${condition})`),
    // 18.16 joins only on equal columns: the callee's parent id against the caller's span id.
    edgeSet: (caller, callee, condition) =>
      member(`(SELECT trace_id FROM
        (SELECT trace_id, ifNull(parent_span_id, '') AS join_span_id FROM ${spansTable}
         WHERE start_ns >= ${from} AND service_name = ${text(callee)}${condition === null ? '' : ` AND ${condition}`})
        ALL INNER JOIN
        (SELECT trace_id, span_id AS join_span_id FROM ${spansTable} WHERE start_ns >= ${from} AND service_name = ${text(caller)})
        USING (trace_id, join_span_id))`),
    traceDuration: (field, op, value) => {
      if (field === 'duration') return `((trace_end - trace_start) ${sqlOp(op)} ${int64(value)})`;
      needsRootDuration = true;
      return `(root_duration ${sqlOp(op)} ${int64(value)})`;
    },
    traceStatus: (op, value) => {
      needsStatus = true;
      return `(trace_status ${sqlOp(op)} ${text(value)})`;
    },
    traceRoot: (field, op, value) => {
      needsRoot = true;
      return textSql(field === 'name' ? 'if(root_known = 1, trace_root_name, trace_first_name)' : 'if(root_known = 1, trace_root_service, trace_first_service)', op, value);
    },
    ...spanAtoms(spansTable, `start_ns >= ${from}`),
    pipelineSet: (node, condition) => member(pipelineSql(node, condition, spansTable, from)),
    structureSet: (node, condition) => {
      const traces = structures.get(node);
      if (traces === undefined) structureRequests.push({ node, conditions: spanSetsOf(node.source).map((set) => condition(set.condition)) });
      // An empty list would not parse: no trace has an empty id.
      return member(`(${traces && traces.length > 0 ? traces.map(text).join(', ') : "''"})`);
    },
  });
  return { ...compiled, needsRootDuration, needsStatus, needsRoot, structureRequests };
}

/**
 * The atoms of a condition on a span row. A child count counts among the rows of `localSpans`
 * (this shard's: a trace lives on one) that meet `counted` (the window's, from its start on).
 */
export function spanAtoms(localSpans: string, counted: string): SpanAtoms {
  return {
    spanService: (service) => `service_name = ${text(service)}`,
    spanCompare: (node) => compareSql(node),
    spanChildCount: (op, value) => childCountSql(op, value, { traceId: 'trace_id', spanId: 'span_id', spans: `${localSpans} WHERE ${counted}`, parentId: 'assumeNotNull(parent_span_id)' }),
    spanFlag: (flag) => flagSql(flag),
    spanPeer: (name, account) => `ifNull(peer_name = ${text(name)}${account === null ? '' : ` AND peer_account = ${text(account)}`}, 0)`,
    anySpan: '1',
  };
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

function compareSql(node: OwnCompareExpr): string {
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
    case 'attribute':
      return attributeSql(node);
    case 'span:id':
      return `(span_id ${sqlOp(node.op)} ${text(node.value)})`;
    case 'span:parentID':
      return `ifNull(parent_span_id ${sqlOp(node.op)} ${text(node.value)}, 0)`;
    case 'trace:id':
      return `(trace_id ${sqlOp(node.op)} ${text(node.value)})`;
    case 'http.method':
      // Methods compare without case (ast.ts); a pattern sees the method as sent.
      if (node.op === '=~' || node.op === '!~') return textSql('http_method', node.op, node.value);
      return textSql('upper(http_method)', node.op, node.value.toUpperCase());
    case 'event:name':
      return `arrayExists(item -> ${textSql('item', node.op, node.value)}, event_names)`;
    case 'event:timeSinceStart':
      return `arrayExists(item -> item ${sqlOp(node.op)} ${int64(node.value)}, event_offsets)`;
    case 'link:traceID':
      return `arrayExists(item -> ${textSql('item', node.op, node.value)}, link_trace_ids)`;
    case 'link:spanID':
      return `arrayExists(item -> ${textSql('item', node.op, node.value)}, link_span_ids)`;
    default:
      return textSql(TEXT_COLUMNS[node.field], node.op, node.value);
  }
}

/** An attribute of the span or of its resource: both are typed lists on the span's row (`resource_` before the resource's). */
function attributeSql(node: AttributeCompare): string {
  if (node.scope === 'event' || node.scope === 'link') return nestedAttributeTest(`${node.scope}_`, node);
  const onSpan = attributeTest('', node);
  const onResource = attributeTest('resource_', node);
  if (node.scope === 'span') return onSpan;
  if (node.scope === 'resource') return onResource;
  // The span's where it has the key, else the resource's; nil: absent from both, or present in either.
  if (node.value === null) return node.op === '=' ? `(${onSpan} AND ${onResource})` : `(${onSpan} OR ${onResource})`;
  return `(${onSpan} OR (NOT ${presentSql('', text(node.key))} AND ${onResource}))`;
}

/** The key is listed on the row's lists (`prefix`), with a value of any type. */
const presentSql = (prefix: ListsPrefix, key: string) => `(${(['str', 'num', 'bool', 'other'] as const).map((list) => `has(${prefix}${list}_keys, ${key})`).join(' OR ')})`;

/** Where the key is in one typed list (0 where it is not). */
const indexSql = (prefix: ListsPrefix, list: 'str' | 'num' | 'bool', key: string) => `indexOf(${prefix}${list}_keys, ${key})`;

/** A number exactly as stored: its IEEE 754 bits at `at` (span-layout.ts). */
const storedNumber = (prefix: ListsPrefix, at: string) => `reinterpretAsFloat64(reinterpretAsString(${numberBitsColumn(prefix)}[${at}]))`;

/** The value where the key is listed with the literal's type. */
function attributeTest(prefix: ListsPrefix, node: AttributeCompare): string {
  const key = text(node.key);
  if (node.value === null) return node.op === '=' ? `(NOT ${presentSql(prefix, key)})` : presentSql(prefix, key);
  const list = listOf(node.value);
  const at = indexSql(prefix, list, key);
  const value = list === 'num' ? storedNumber(prefix, at) : `${prefix}${list}_values[${at}]`;
  return `(${at} > 0 AND ${valueTest(value, node.op, node.value)})`;
}

/**
 * The test on the typed lists of a span's events or links (`prefix`, over all of them): some event
 * (link) has the key with a value of the literal's type that meets it, or, for nil, none has the
 * key (= nil) or one has it (!= nil).
 */
function nestedAttributeTest(prefix: 'event_' | 'link_', node: AttributeCompare): string {
  const key = text(node.key);
  if (node.value === null) return node.op === '=' ? `(NOT ${presentSql(prefix, key)})` : presentSql(prefix, key);
  const list = listOf(node.value);
  // Numbers as their stored bits (span-layout.ts), turned back into the exact double.
  const [values, value] = list === 'num' ? [numberBitsColumn(prefix), 'reinterpretAsFloat64(reinterpretAsString(value))'] : [`${prefix}${list}_values`, 'value'];
  return `arrayExists((listed, value) -> listed = ${key} AND ${valueTest(value, node.op, node.value)}, ${prefix}${list}_keys, ${values})`;
}

/** The typed list a literal's values are kept in. */
const listOf = (value: string | number | boolean) => (typeof value === 'string' ? 'str' : typeof value === 'number' ? 'num' : 'bool');

/** `value` (SQL, of the literal's type) compared with the literal. */
function valueTest(value: string, op: CompareOp, literal: string | number | boolean): string {
  if (typeof literal === 'string') return textSql(value, op, literal);
  if (typeof literal === 'number') return `${value} ${sqlOp(op)} ${exactFloat64(literal)}`;
  // "!= true" is the boolean false, as in the reference.
  return `${value} = ${literal === (op === '=') ? 1 : 0}`;
}

/** A value for an attribute in `scope`, from `valueOn(prefix)` on the span's lists or its resource's; `.k` is the span's where it has k. */
function scopedValue(scope: AttributeScope, key: string, valueOn: (prefix: ListsPrefix) => string): string {
  if (scope === 'span') return valueOn('');
  if (scope === 'resource') return valueOn('resource_');
  return `if(${presentSql('', key)}, ${valueOn('')}, ${valueOn('resource_')})`;
}

/**
 * The traces with a group of the pipeline's spans meeting every aggregate condition. Three levels,
 * as 18.16 needs them inside the search's HAVING: there it cannot resolve the columns of an
 * aggregate's argument unless that argument is a plain column (`max(toFloat64(v))` is an unknown
 * `v`), so each span's numbers and group are columns of the innermost select first.
 */
function pipelineSql(node: PipelineExpr, condition: string, spansTable: string, from: string): string {
  const values = node.conditions.map((aggregate, i) => (aggregate.of === null ? [] : [`${numberSql(aggregate.of)} AS value_${i}`])).flat();
  const spans = `SELECT trace_id, ${node.by === null ? "''" : groupKeySql(node.by)} AS group_key${values.map((value) => `, ${value}`).join('')}
    FROM ${spansTable} WHERE start_ns >= ${from} AND ${condition}`;
  const figures = node.conditions.map((aggregate, i) => `${aggregate.fn === 'count' ? 'count()' : `${aggregate.fn}(value_${i})`} AS aggregate_${i}`);
  const meets = node.conditions.map((aggregate, i) => `ifNull(aggregate_${i} ${sqlOp(aggregate.op)} ${exactFloat64(aggregate.value)}, 0)`);
  return `(SELECT trace_id FROM (SELECT trace_id${figures.map((figure) => `, ${figure}`).join('')} FROM (${spans}) GROUP BY trace_id, group_key)
    WHERE ${meets.length === 0 ? '1' : meets.join(' AND ')})`;
}

/** A span's number: its duration, or a numeric attribute (NULL where it has none, which aggregates skip). */
export function numberSql(of: SpanNumber): string {
  if (of.kind === 'duration') return 'toFloat64(end_ns - start_ns)';
  const key = text(of.key);
  return scopedValue(of.scope, key, (prefix) => `if(${indexSql(prefix, 'num', key)} > 0, ${storedNumber(prefix, indexSql(prefix, 'num', key))}, NULL)`);
}

/** A span's group under by(): its value tagged with its type, so 1 and "1" differ; '' (one group) where it has none. */
export function groupKeySql(by: SpanKey): string {
  if (by.kind === 'field') return `ifNull(concat('s:', ${by.field === 'http.method' ? 'http_method' : TEXT_COLUMNS[by.field]}), '')`;
  const key = text(by.key);
  return scopedValue(by.scope, key, (prefix) => {
    const at = (list: 'str' | 'num' | 'bool') => indexSql(prefix, list, key);
    return `multiIf(${at('str')} > 0, concat('s:', ${prefix}str_values[${at('str')}]), ${at('num')} > 0, concat('n:', toString(${storedNumber(prefix, at('num'))})), ${at('bool')} > 0, concat('b:', toString(${prefix}bool_values[${at('bool')}])), '')`;
  });
}

function textSql(column: string, op: CompareOp, value: string): string {
  if (op === '=~' || op === '!~') return `ifNull(${op === '!~' ? 'NOT ' : ''}match(${column}, ${text(anchoredPattern(value))}), 0)`;
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
