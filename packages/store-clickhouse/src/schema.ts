// Versioned schema, applied to every node (each shard keeps its own tables and its own record of
// the versions applied, in stitch_schema). Written for Debian's ClickHouse 18.16 and later: no
// Map, JSON, DateTime64, LowCardinality or TTL; nanoseconds as Int64, lists as arrays.
//
// A write is ONE insert, into spans: materialized views fill trace_parts and writes from the
// same insert (a view sees each inserted block, so GROUP BY in it means "per insert"). A central
// killed mid-write thus leaves all of it or none of it, never spans without their parts.
//
// spans: one row per span, ordered by service and time, partitioned by day (retention drops
// whole days). trace_parts: one row per (insert, trace), ordered by trace id: the trace-id
// lookup table (a trace's time range, so fetching it reads only that range of spans) and the
// input of search, which merges the parts of a trace into its summary without touching spans.
// writes: how many rows of each write landed; deliveries: a sender's idempotency keys, each with
// the write that carries it and that write's row count, recorded before the write.
// In a cluster every table is a MergeTree `<name>_local` on each shard behind a Distributed
// `<name>` sharded by trace id, so all of a trace lives on one shard.
import { OLD_HISTOGRAM_COLUMNS } from '@stitch/store';
import { identifier } from './sql-literals.ts';
import { usageFirstRecordedStatements, usageTableStatements } from './usage-tables.ts';
import { logTableStatements } from './log-tables.ts';
import { metricTableStatements } from './metric-tables.ts';
import { sketchMigration } from './sketch-sql.ts';
import { derivedTableStatements } from './derived-tables.ts';
import { localTable, sharedTable, type TableLayout } from './table-layout.ts';
import { addSpanColumns, nestedFacetColumnsMigration, spanDetailColumnsMigration } from './span-layout.ts';

// Days in UTC, whatever the server's time zone, as retention counts them.
const dayOf = (nanosColumn: string) => `toDate(toDateTime(intDiv(${nanosColumn}, 1000000000), 'UTC'))`;
const dayOfMs = (msColumn: string) => `toDate(toDateTime(intDiv(${msColumn}, 1000), 'UTC'))`;

/** Tables retention trims, by whole days. */
export const DAY_PARTITIONED_TABLES = ['spans', 'trace_parts', 'graph_buckets', 'logs'] as const;

function distributed(layout: TableLayout, table: string, shardingKey: string): string[] {
  if (!layout.cluster) return [];
  const db = identifier(layout.database);
  return [
    `CREATE TABLE IF NOT EXISTS ${db}.${table} AS ${db}.${table}_local
     ENGINE = Distributed(${identifier(layout.cluster)}, ${db}, ${table}_local, ${shardingKey})`,
  ];
}

export interface ServerFeatures {
  /** Data-skipping indexes (INDEX … TYPE …), in ClickHouse since 19.x and without an experimental flag since 20.1. */
  skipIndexes: boolean;
}

export function featuresOf(version: string): ServerFeatures {
  const major = Number(version.split('.')[0]);
  return { skipIndexes: major >= 20 };
}

/** Each step's statements, in order; a step runs once per node. */
export const MIGRATIONS: ReadonlyArray<(layout: TableLayout, features: ServerFeatures) => string[]> = [
  (layout) => [
    `CREATE TABLE IF NOT EXISTS ${localTable(layout, 'spans')} (
       trace_id String,
       span_id String,
       parent_span_id Nullable(String),
       name String,
       kind String,
       start_ns Int64,
       end_ns Int64,
       status_code String,
       http_method Nullable(String),
       http_route Nullable(String),
       http_url Nullable(String),
       http_status Nullable(Int32),
       service_name String,
       account_id String,
       account_label String,
       -- annotations for the filter language: the value as JSON text, as a string when it is one, as a number when it is one (else nan)
       annotation_keys Array(String),
       annotation_values Array(String),
       annotation_strings Array(String),
       annotation_numbers Array(Float64),
       resource_json String,
       detail_json String,
       has_error UInt8,
       -- the write (one insert) that brought the span
       write_id String
     ) ENGINE = MergeTree() PARTITION BY ${dayOf('start_ns')} ORDER BY (service_name, start_ns)
       -- granules of 2,048 rows (not 8,192): a trace's time range in each service is read with less around it
       SETTINGS index_granularity = 2048`,
    // Column names differ from the spans' where the view computes them: ClickHouse substitutes an
    // alias wherever its name appears, so min(start_ns) AS start_ns would break the other columns.
    `CREATE TABLE IF NOT EXISTS ${localTable(layout, 'trace_parts')} (
       trace_id String,
       part_start_ns Int64,
       part_end_ns Int64,
       span_count UInt32,
       part_has_error UInt8,
       services Array(String),
       accounts Array(String),
       -- the earliest parentless span of the part, when it holds one (has_root)
       has_root UInt8,
       root_start_ns Int64,
       root_end_ns Int64,
       root_service String,
       root_name String,
       -- the earliest span of the part: stands in for the root until the root arrives
       first_service String,
       first_name String,
       first_end_ns Int64
     ) ENGINE = MergeTree() PARTITION BY ${dayOf('part_start_ns')} ORDER BY trace_id`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${localTable(layout, 'trace_parts_view')} TO ${localTable(layout, 'trace_parts')} AS
     SELECT trace_id,
       min(start_ns) AS part_start_ns, max(end_ns) AS part_end_ns, toUInt32(count()) AS span_count, max(has_error) AS part_has_error,
       arraySort(groupUniqArray(service_name)) AS services, arraySort(groupUniqArray(account_id)) AS accounts,
       max(isNull(parent_span_id)) AS has_root,
       minIf(start_ns, isNull(parent_span_id)) AS root_start_ns,
       argMinIf(end_ns, start_ns, isNull(parent_span_id)) AS root_end_ns,
       argMinIf(service_name, start_ns, isNull(parent_span_id)) AS root_service,
       argMinIf(name, start_ns, isNull(parent_span_id)) AS root_name,
       argMin(service_name, start_ns) AS first_service, argMin(name, start_ns) AS first_name, argMin(end_ns, start_ns) AS first_end_ns
     FROM ${localTable(layout, 'spans')} GROUP BY trace_id`,
    `CREATE TABLE IF NOT EXISTS ${localTable(layout, 'writes')} (
       write_id String,
       written_rows UInt64,
       written_at_ms Int64
     ) ENGINE = MergeTree() PARTITION BY ${dayOfMs('written_at_ms')} ORDER BY write_id`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${localTable(layout, 'writes_view')} TO ${localTable(layout, 'writes')} AS
     SELECT write_id, count() AS written_rows, toInt64(toUnixTimestamp(now())) * 1000 AS written_at_ms
     FROM ${localTable(layout, 'spans')} GROUP BY write_id`,
    // A delivery is stored once its write's rows have all landed (expected_rows, counted in writes):
    // a retry of one whose acknowledgement was lost is recognised and not stored twice.
    `CREATE TABLE IF NOT EXISTS ${localTable(layout, 'deliveries')} (
       delivery_id String,
       write_id String,
       expected_rows UInt64,
       stored_at_ms Int64
     ) ENGINE = MergeTree() PARTITION BY ${dayOfMs('stored_at_ms')} ORDER BY delivery_id`,
    // The service map's per-minute counts (graph-sql.ts).
    `CREATE TABLE IF NOT EXISTS ${localTable(layout, 'graph_buckets')} (
       bucket_start_ms Int64,
       kind String,
       connection String,
       from_account Nullable(String), from_account_label Nullable(String), from_service Nullable(String), from_inferred Nullable(String), from_label Nullable(String),
       to_account String, to_account_label String, to_service String, to_inferred Nullable(String), to_label String,
       requests Int64, errors Int64, faults Int64, throttles Int64, latency_sum_ns Int64, roots Int64,
       examples Array(String),
       ${OLD_HISTOGRAM_COLUMNS.map((column) => `${column} Int64`).join(', ')}
     ) ENGINE = MergeTree() PARTITION BY ${dayOfMs('bucket_start_ms')} ORDER BY (bucket_start_ms, kind, to_service)`,
    ...distributed(layout, 'spans', 'cityHash64(trace_id)'),
    ...distributed(layout, 'trace_parts', 'cityHash64(trace_id)'),
    ...distributed(layout, 'deliveries', 'cityHash64(delivery_id)'),
    ...distributed(layout, 'writes', 'cityHash64(write_id)'),
    ...distributed(layout, 'graph_buckets', 'rand()'),
  ],
  // Where the server has them: a trace's spans found by a bloom filter on trace id, and search's
  // time window skipping parts' granules by their start.
  (layout, features) =>
    features.skipIndexes
      ? [
          `ALTER TABLE ${localTable(layout, 'spans')} ADD INDEX IF NOT EXISTS trace_id_bloom trace_id TYPE bloom_filter(0.01) GRANULARITY 1`,
          `ALTER TABLE ${localTable(layout, 'trace_parts')} ADD INDEX IF NOT EXISTS start_minmax part_start_ns TYPE minmax GRANULARITY 1`,
        ]
      : [],
  // Log records, found by trace (log-tables.ts).
  (layout) => logTableStatements(layout),
  // Usage for the cost profile, counted by central's meter (usage-tables.ts).
  (layout) => usageTableStatements(layout),
  // Span metrics per minute, account, service and operation (metric-tables.ts).
  (layout) => metricTableStatements(layout),
  // Usage counts each trace once a day besides once per account (usage-tables.ts).
  (layout) => usageFirstRecordedStatements(layout),
  traceStatusMigration,
  // The inferred peer each call called (SpanBatch.peerName, peerAccount), for the filter
  // `peer("…")`: the service map's own identity, so a drill-down finds exactly the calls it
  // counted. Spans stored before this step have none (peer() does not find them).
  (layout) => addSpanColumns(layout, [
    ['peer_name', 'Nullable(String)'],
    ['peer_account', 'Nullable(String)'],
  ]),
  // Latency as a sketch (2 % buckets) beside the 25 % histogram columns, which convert (sketch-sql.ts).
  sketchMigration,
  // Central's ingest sequence on every span, and the derived figures committed with their checkpoint (derived-tables.ts).
  (layout) => derivedTableStatements(layout),
  // Status message, trace state, scope, events and links in columns of their own, and attributes as typed arrays (span-layout.ts).
  spanDetailColumnsMigration,
  // Events and links searchable: their names, times, ids and attributes in arrays (span-layout.ts).
  nestedFacetColumnsMigration,
];

/** A span row's outcome, as model's outcomeOf: error a 4xx, fault a 5xx or an error status, else ok. */
export const SPAN_OUTCOME_SQL = `multiIf(ifNull(http_status BETWEEN 400 AND 499, 0), 'error', ifNull(http_status >= 500, 0) OR status_code = 'error', 'fault', 'ok')`;

/** What the view computes per (insert, trace); the correction of older parts below computes the same per trace. */
const partColumns = (outcome: string) => `trace_id,
       min(start_ns) AS part_start_ns, max(end_ns) AS part_end_ns, toUInt32(count()) AS span_count, max(has_error) AS part_has_error,
       arraySort(groupUniqArray(service_name)) AS services, arraySort(groupUniqArray(account_id)) AS accounts,
       max(isNull(parent_span_id)) AS has_root,
       minIf(start_ns, isNull(parent_span_id)) AS root_start_ns,
       argMinIf(end_ns, start_ns, isNull(parent_span_id)) AS root_end_ns,
       argMinIf(service_name, start_ns, isNull(parent_span_id)) AS root_service,
       argMinIf(name, start_ns, isNull(parent_span_id)) AS root_name,
       argMin(service_name, start_ns) AS first_service, argMin(name, start_ns) AS first_name, argMin(end_ns, start_ns) AS first_end_ns,
       argMinIf(${outcome}, start_ns, isNull(parent_span_id)) AS root_outcome,
       toUInt32(countIf(${outcome} != 'ok')) AS error_count`;

/**
 * A trace's status is what its caller saw, its root's outcome; "contains N errors" counts the
 * spans that are not ok. Both per part: root_outcome ('' where the part has no root, or was
 * written before this version) and error_count. A part does not record its insert, so the parts
 * written before cannot be updated one by one: one correction part per stored trace is added
 * instead, computed from its spans, with no spans of its own (span_count 0, no services) and the
 * trace's own bounds, first span and root, so every merged figure stays as it was and gains the
 * root's outcome and the error count. Search reads root_outcome only from parts that have one.
 * The view is recreated around it (migrations run before the store takes writes).
 */
export function traceStatusMigration(layout: TableLayout): string[] {
  const columns = `ADD COLUMN root_outcome String, ADD COLUMN error_count UInt32`;
  return [
    `ALTER TABLE ${localTable(layout, 'trace_parts')} ${columns}`,
    ...(layout.cluster ? [`ALTER TABLE ${sharedTable(layout, 'trace_parts')} ${columns}`] : []),
    `DROP TABLE IF EXISTS ${localTable(layout, 'trace_parts_view')}`,
    `INSERT INTO ${localTable(layout, 'trace_parts')}
       (trace_id, part_start_ns, part_end_ns, span_count, part_has_error, services, accounts, has_root, root_start_ns, root_end_ns, root_service, root_name,
        first_service, first_name, first_end_ns, root_outcome, error_count)
     SELECT trace_id, part_start_ns, part_end_ns, toUInt32(0), toUInt8(0), emptyArrayString(), emptyArrayString(), has_root, root_start_ns, root_end_ns, root_service, root_name,
       first_service, first_name, first_end_ns, root_outcome, error_count
     FROM (SELECT ${partColumns(SPAN_OUTCOME_SQL)} FROM ${localTable(layout, 'spans')} GROUP BY trace_id)`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${localTable(layout, 'trace_parts_view')} TO ${localTable(layout, 'trace_parts')} AS
     SELECT ${partColumns(SPAN_OUTCOME_SQL)}
     FROM ${localTable(layout, 'spans')} GROUP BY trace_id`,
  ];
}

export const schemaTable = (layout: TableLayout) =>
  `CREATE TABLE IF NOT EXISTS ${identifier(layout.database)}.stitch_schema (version UInt32, applied_at_ms Int64) ENGINE = MergeTree() ORDER BY version`;
