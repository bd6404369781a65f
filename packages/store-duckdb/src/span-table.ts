import { ATTRIBUTE_COLUMNS, PLAIN_SPAN_COLUMNS, type SpanRow } from '@stitch/store';

// How spans are laid out in DuckDB, and the SQL that writes and reads them.
//
// Ids are binary (trace id UHUGEINT, span ids UBIGINT): half the bytes of hex text, compared as
// numbers. Every attribute is kept with its type in parallel key/value lists (str_, num_, bool_,
// other_: TypedAttributes), so `attribute = value` compares a number as a number without parsing
// JSON. A resource's attributes are kept once, in `resources`, and each span holds its
// resource's id (a hash of them): the spans of a process repeat nothing.
//
// A write appends the batch, in trace id order, as text to a staging table of its connection (the
// appender is fast for scalars and very slow for lists), and one INSERT … SELECT turns the text
// into the typed columns inside DuckDB.

/** The typed list columns, with their DuckDB types. */
const LIST_TYPES: Record<(typeof ATTRIBUTE_COLUMNS)[number], string> = {
  str_keys: 'VARCHAR[]',
  str_values: 'VARCHAR[]',
  num_keys: 'VARCHAR[]',
  num_values: 'DOUBLE[]',
  bool_keys: 'VARCHAR[]',
  bool_values: 'BOOLEAN[]',
  other_keys: 'VARCHAR[]',
  other_values: 'VARCHAR[]',
};

export const TYPED_LIST_COLUMNS_SQL = ATTRIBUTE_COLUMNS.map((column) => `${column} ${LIST_TYPES[column]}`).join(',\n     ');

// A span's events and links as search reads them (model's EventFacets, LinkFacets): one STRUCT
// column each (event_facets, link_facets, added by nested-facets-sql.ts), of lists, NULL for a
// span with none. A write stages their JSON, which from_json reads into the struct.
const EVENT_FIELDS: Record<string, string> = { names: 'VARCHAR[]', offsets: 'BIGINT[]', ...LIST_TYPES };
const LINK_FIELDS: Record<string, string> = { trace_ids: 'VARCHAR[]', span_ids: 'VARCHAR[]', ...LIST_TYPES };
const structType = (fields: Record<string, string>) => `STRUCT(${Object.entries(fields).map(([name, type]) => `${name} ${type}`).join(', ')})`;
export const EVENT_FACETS_TYPE = structType(EVENT_FIELDS);
export const LINK_FACETS_TYPE = structType(LINK_FIELDS);

/** The JSON text `column` as the struct of event_facets or link_facets. */
export const eventFacetsOf = (column: string) => `from_json(${column}, '${JSON.stringify(EVENT_FIELDS)}')`;
export const linkFacetsOf = (column: string) => `from_json(${column}, '${JSON.stringify(LINK_FIELDS)}')`;

/** The shape from_json reads TypedAttributes JSON into. */
const TYPED_JSON_SHAPE = `'${JSON.stringify(LIST_TYPES)}'`;

/** As the migration to this layout created it (typed-spans-migration.ts): a later change is a new migration step. */
export const SPANS_TABLE_SQL = `CREATE TABLE spans (
     batch_seq BIGINT NOT NULL,
     trace_id UHUGEINT NOT NULL,
     span_id UBIGINT NOT NULL,
     parent_span_id UBIGINT,
     name VARCHAR NOT NULL,
     kind VARCHAR NOT NULL,
     start_ns BIGINT NOT NULL,
     end_ns BIGINT NOT NULL,
     status_code VARCHAR NOT NULL,
     status_message VARCHAR NOT NULL,
     trace_state VARCHAR NOT NULL,
     http_method VARCHAR,
     http_route VARCHAR,
     http_url VARCHAR,
     http_status INTEGER,
     service_name VARCHAR NOT NULL,
     account_id VARCHAR NOT NULL,
     account_label VARCHAR NOT NULL,
     scope_name VARCHAR NOT NULL,
     scope_version VARCHAR NOT NULL,
     resource_id UBIGINT NOT NULL,
     ${TYPED_LIST_COLUMNS_SQL},
     annotation_keys VARCHAR[],
     annotation_values VARCHAR[],
     peer_name VARCHAR,
     peer_account VARCHAR,
     events_json VARCHAR,
     links_json VARCHAR
   )`;

/** One row per distinct resource (two writes that bring a new one at once may both add it: readers take either). */
export const RESOURCES_TABLE_SQL = `CREATE TABLE resources (
     resource_id UBIGINT NOT NULL,
     ${TYPED_LIST_COLUMNS_SQL}
   )`;

/**
 * The staging tables of a write connection, in the order DuckDbStore appends their columns. Lists
 * are staged as JSON text: the appender makes a DuckDB value per list item, ten times slower.
 */
export const STAGE_TABLES_SQL = `CREATE TEMP TABLE IF NOT EXISTS span_stage (
     trace_id VARCHAR, span_id VARCHAR, parent_span_id VARCHAR, name VARCHAR, kind VARCHAR, start_ns BIGINT, end_ns BIGINT,
     status_code VARCHAR, status_message VARCHAR, trace_state VARCHAR, http_method VARCHAR, http_route VARCHAR, http_url VARCHAR, http_status INTEGER,
     service_name VARCHAR, account_id VARCHAR, account_label VARCHAR, scope_name VARCHAR, scope_version VARCHAR,
     attributes VARCHAR, resource_id UBIGINT, annotation_keys VARCHAR, annotation_values VARCHAR, peer_name VARCHAR, peer_account VARCHAR,
     events_json VARCHAR, links_json VARCHAR, event_facets VARCHAR, link_facets VARCHAR
   );
   CREATE TEMP TABLE IF NOT EXISTS part_stage (
     trace_id UHUGEINT, start_ns BIGINT, end_ns BIGINT, span_count INTEGER, has_error BOOLEAN, services VARCHAR, accounts VARCHAR,
     root_start_ns BIGINT, root_service VARCHAR, root_name VARCHAR, first_service VARCHAR, first_name VARCHAR, root_end_ns BIGINT, first_end_ns BIGINT,
     root_outcome VARCHAR, error_count INTEGER
   )`;

/** 32 hex digits (SQL text) as the UHUGEINT trace id: two 64-bit halves, as DuckDB casts hex only that wide. */
export const traceIdOfHex = (hex: string) => `((('0x' || substr(${hex}, 1, 16))::UBIGINT::UHUGEINT << 64) | ('0x' || substr(${hex}, 17, 16))::UBIGINT::UHUGEINT)`;
export const spanIdOfHex = (hex: string) => `('0x' || ${hex})::UBIGINT`;
export const hexOfTraceId = (id: string) => `printf('%032x', ${id})`;
const hexOfSpanId = (id: string) => `printf('%016x', ${id})`;
/** Constant texts of the code (never a user's) as a SQL list. */
export const sqlTextList = (texts: readonly string[]) => `[${texts.map((text) => `'${text}'`).join(', ')}]`;
const TEXT_LIST = `'["VARCHAR"]'`;

/** Adds the resources of `count` ($1, $2: id as text, TypedAttributes JSON; $3, $4 the next…) that `resources` lacks. */
export function addResourcesSql(count: number): string {
  const values = Array.from({ length: count }, (_, i) => `($${i * 2 + 1}::UBIGINT, $${i * 2 + 2}::VARCHAR)`).join(', ');
  return `INSERT INTO resources
    SELECT resource_id, ${ATTRIBUTE_COLUMNS.map((column) => `typed.${column}`).join(', ')}
    FROM (SELECT resource_id, from_json(resource, ${TYPED_JSON_SHAPE}) AS typed FROM (VALUES ${values}) AS added(resource_id, resource))
    WHERE resource_id NOT IN (SELECT resource_id FROM resources)`;
}

/**
 * The statements that move the staging tables' rows into spans and trace_parts, then clear them;
 * `$1` is the batch's number. Rows keep the order they were staged in (the writer stages a
 * batch's spans by trace id), so each row group of a large batch covers a narrow range of ids.
 */
export const MOVE_STAGED_SQL = [
  `INSERT INTO spans
    SELECT $1, ${traceIdOfHex('trace_id')}, ${spanIdOfHex('span_id')}, ${spanIdOfHex('parent_span_id')}, name, kind, start_ns, end_ns,
      status_code, status_message, trace_state, http_method, http_route, http_url, http_status,
      service_name, account_id, account_label, scope_name, scope_version, resource_id,
      ${ATTRIBUTE_COLUMNS.map((column) => `typed.${column}`).join(', ')},
      from_json(annotation_keys, ${TEXT_LIST}), from_json(annotation_values, ${TEXT_LIST}), peer_name, peer_account, events_json, links_json,
      ${eventFacetsOf('event_facets')}, ${linkFacetsOf('link_facets')}
    FROM (SELECT *, from_json(attributes, ${TYPED_JSON_SHAPE}) AS typed FROM span_stage)`,
  `INSERT INTO trace_parts BY NAME
    SELECT $1 AS batch_seq, * REPLACE (from_json(services, ${TEXT_LIST}) AS services, from_json(accounts, ${TEXT_LIST}) AS accounts) FROM part_stage`,
  'DELETE FROM span_stage; DELETE FROM part_stage',
] as const;

/**
 * The FROM clause (over `spans`, and its WHERE) of one trace's spans, its id the hex text `hex`:
 * the lookup table (indexed by trace id) says which batches hold the trace, and DuckDB turns that
 * range into a filter on the span scan, which then skips every row group outside it.
 */
export function spansOfTrace(hex: string): string {
  const id = traceIdOfHex(hex);
  return `FROM spans, (SELECT min(batch_seq) AS lo, max(batch_seq) AS hi FROM trace_parts WHERE trace_id = ${id}) AS held
    WHERE spans.batch_seq BETWEEN held.lo AND held.hi AND spans.trace_id = ${id}`;
}

/**
 * The typed lists of `alias` as one JSON text (to_json runs in DuckDB): the node driver turns list
 * columns into JS arrays several times slower than the rest of a trace read (1,000 traces: 420 ms
 * for the span's lists alone, 130 ms as JSON).
 */
const typedListsJson = (alias: string) => `to_json({${ATTRIBUTE_COLUMNS.map((column) => `${column}: ${alias}.${column}`).join(', ')}})::VARCHAR`;

/**
 * The rows of the spans `from` selects (a FROM clause over `spans` and its WHERE), as spanRowsOf
 * takes them: ids as hex, the span's lists as JSON, and its resource's, made once per resource.
 * `extra`: more columns of spans to return (as `s.column`; `s.span_row` is the row's place in
 * the table: a batch's spans by trace id, each trace's in the order they came).
 */
export function spanRowsSql(from: string, extra = '', orderBy = ''): string {
  return `WITH s AS (SELECT spans.*, spans.rowid AS span_row ${from}),
    r AS (SELECT DISTINCT ON (resource_id) resource_id, ${typedListsJson('resources')} AS typed_resource FROM resources WHERE resource_id IN (SELECT resource_id FROM s))
    SELECT ${extra === '' ? '' : `${extra}, `}${hexOfTraceId('s.trace_id')} AS trace_id, ${hexOfSpanId('s.span_id')} AS span_id,
      CASE WHEN s.parent_span_id IS NULL THEN NULL ELSE ${hexOfSpanId('s.parent_span_id')} END AS parent_span_id,
      ${PLAIN_SPAN_COLUMNS.split(', ')
        .map((column) => `s.${column}`)
        .join(', ')}, s.end_ns,
      ${typedListsJson('s')} AS typed_attributes, r.typed_resource
    FROM s LEFT JOIN r ON r.resource_id = s.resource_id
    ${orderBy}`;
}

/** spanRowsSql's rows, made SpanRows in place: the lists out of their JSON (a resource's parsed once). */
export function spanRowsOf(rows: Array<Record<string, unknown>>): Array<SpanRow & Record<string, unknown>> {
  const resources = new Map<string, Record<string, unknown>>();
  for (const row of rows) {
    const lists = JSON.parse(row.typed_attributes as string) as Record<string, unknown>;
    const resourceJson = (row.typed_resource as string | null) ?? '{}';
    let resource = resources.get(resourceJson);
    if (resource === undefined) resources.set(resourceJson, (resource = JSON.parse(resourceJson) as Record<string, unknown>));
    for (const column of ATTRIBUTE_COLUMNS) {
      row[column] = lists[column] ?? null;
      row[`resource_${column}`] = resource[column] ?? null;
    }
  }
  return rows as Array<SpanRow & Record<string, unknown>>;
}
