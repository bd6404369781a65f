import { ATTRIBUTE_COLUMNS } from '@stitch/store';
import { RESOURCES_TABLE_SQL, SPANS_TABLE_SQL, spanIdOfHex, traceIdOfHex } from './span-table.ts';

// Spans written before the typed layout (span-table.ts) kept their details in detail_json and
// their resource's attributes in resource_json, ids as hex text. This step rewrites them in
// place, inside DuckDB: each JSON object becomes a MAP of key to JSON value, whose entries are
// split by their JSON type into the typed lists.

/** Each attribute's type test and how its value is read, per pair of typed lists. */
const SPLITS: Record<string, { test: string; value: string }> = {
  str: { test: "= 'VARCHAR'", value: "e[2]->>'$'" },
  num: { test: "IN ('BIGINT', 'UBIGINT', 'DOUBLE')", value: 'e[2]::DOUBLE' },
  bool: { test: "= 'BOOLEAN'", value: 'e[2]::BOOLEAN' },
  other: { test: "NOT IN ('VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE', 'BOOLEAN')", value: 'e[2]::VARCHAR' },
};

/** The eight typed lists of `json` (a JSON object), in ATTRIBUTE_COLUMNS order. */
function typedListsOf(json: string): string {
  const entries = `list_zip(map_keys(json_transform(${json}, '"MAP(VARCHAR, JSON)"')), map_values(json_transform(${json}, '"MAP(VARCHAR, JSON)"')))`;
  return ATTRIBUTE_COLUMNS.map((column) => {
    const [type, part] = column.split('_') as [string, 'keys' | 'values'];
    const split = SPLITS[type]!;
    const chosen = `list_filter(${entries}, lambda e: coalesce(json_type(e[2]) ${split.test}, false))`;
    return `list_transform(${chosen}, lambda e: ${part === 'keys' ? 'e[1]' : split.value})`;
  }).join(',\n       ');
}

const nonEmptyJson = (json: string) => `CASE WHEN json_array_length(${json}) > 0 THEN (${json})::VARCHAR END`;

export const TYPED_SPANS_MIGRATION = `${RESOURCES_TABLE_SQL};
   INSERT INTO resources
     SELECT hash(resource_json), ${typedListsOf('resource_json')}
     FROM (SELECT DISTINCT resource_json FROM spans);
   ${SPANS_TABLE_SQL.replace('CREATE TABLE spans (', 'CREATE TABLE spans_typed (')};
   INSERT INTO spans_typed
     SELECT batch_seq, ${traceIdOfHex('trace_id')}, ${spanIdOfHex('span_id')}, ${spanIdOfHex('parent_span_id')}, name, kind, start_ns, end_ns, status_code,
       coalesce(detail_json->>'statusMessage', ''), coalesce(detail_json->>'traceState', ''), http_method, http_route, http_url, http_status,
       service_name, account_id, coalesce(account_label, detail_json->>'accountLabel', ''),
       coalesce(detail_json->'scope'->>'name', ''), coalesce(detail_json->'scope'->>'version', ''), hash(resource_json),
       ${typedListsOf("(detail_json->'attributes')")},
       annotation_keys, annotation_values, peer_name, peer_account,
       ${nonEmptyJson("detail_json->'events'")}, ${nonEmptyJson("detail_json->'links'")}
     FROM spans;
   DROP TABLE spans;
   ALTER TABLE spans_typed RENAME TO spans;
   CREATE TABLE trace_parts_typed AS SELECT * REPLACE (${traceIdOfHex('trace_id')} AS trace_id) FROM trace_parts;
   DROP TABLE trace_parts;
   ALTER TABLE trace_parts_typed RENAME TO trace_parts;
   CREATE INDEX trace_parts_by_trace ON trace_parts (trace_id);`;
