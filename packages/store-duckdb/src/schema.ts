// Versioned schema: each step runs once, in order, inside a transaction; the version is
// recorded in stitch_schema so an older file is migrated on open.
//
// spans: one row per span, in ingest order. batch_seq numbers each committed batch, so the
// rows of one batch sit together and DuckDB's per-row-group min/max on batch_seq lets a
// trace lookup read only the row groups that hold it.
// trace_parts: one row per (batch, trace), a few percent of the spans: the trace-id lookup
// table (which batches hold a trace) and the input of search, which merges the parts of a
// trace into its summary without touching the spans.
import type { DuckDBConnection } from '@duckdb/node-api';
import { inferPeer } from '@stitch/model';
import { LEGACY_SPAN_COLUMNS, spanFromRow, spanRowOfLegacy, type LegacySpanRow } from '@stitch/store';
import { GRAPH_TABLE_BEFORE_SKETCH, graphTableSql } from './graph-sql.ts';
import { USAGE_FIRST_RECORDED_COLUMN, USAGE_TABLE } from './usage-tables.ts';
import { METRIC_TABLE_BEFORE_SKETCH, metricTableSql } from './metric-tables.ts';
import { sketchMigrationSql } from './sketch-sql.ts';
import { LOG_TABLE } from './log-tables.ts';
import { SPAN_OUTCOME_SQL } from './filter-sql.ts';
import { TYPED_SPANS_MIGRATION } from './typed-spans-migration.ts';
import { NESTED_FACETS_MIGRATION } from './nested-facets-sql.ts';

// A trace's status is what its caller saw, its root's outcome (model's outcomeOf: error a 4xx,
// fault a 5xx or an error status, else ok); "contains N errors" counts the spans that are not
// ok. Both per part, and recounted from the spans for the parts stored before.
export const TRACE_STATUS_MIGRATION = `ALTER TABLE trace_parts ADD COLUMN root_outcome VARCHAR;
   ALTER TABLE trace_parts ADD COLUMN error_count INTEGER;
   UPDATE trace_parts SET error_count = counted.errors
     FROM (SELECT batch_seq, trace_id, count(*) FILTER (WHERE ${SPAN_OUTCOME_SQL} <> 'ok') AS errors FROM spans GROUP BY batch_seq, trace_id) AS counted
     WHERE counted.batch_seq = trace_parts.batch_seq AND counted.trace_id = trace_parts.trace_id;
   UPDATE trace_parts SET root_outcome = roots.outcome
     FROM (SELECT batch_seq, trace_id, arg_min(${SPAN_OUTCOME_SQL}, start_ns) AS outcome FROM spans WHERE parent_span_id IS NULL GROUP BY batch_seq, trace_id) AS roots
     WHERE roots.batch_seq = trace_parts.batch_seq AND roots.trace_id = trace_parts.trace_id;`;

/** A step: SQL, or work that needs the spans decoded (run in the step's transaction). */
export type Migration = string | ((connection: DuckDBConnection) => Promise<void>);

// Latency as a sketch (2 % buckets) instead of the 25 % histogram: each old bucket's count moves
// to the sketch bucket of its midpoint (sketch-sql.ts).
export const SKETCH_MIGRATION = `${sketchMigrationSql('graph_buckets', graphTableSql)}
   ${sketchMigrationSql('metric_buckets', metricTableSql)}`;

// The inferred peer each call called (SpanBatch.peerName, peerAccount), for the filter
// `peer("…")`: the service map's own identity, so a drill-down finds exactly the calls it
// counted. The calls stored before are given theirs here, by the same function.
export async function PEER_MIGRATION(connection: DuckDBConnection): Promise<void> {
  await connection.run('ALTER TABLE spans ADD COLUMN IF NOT EXISTS peer_name VARCHAR; ALTER TABLE spans ADD COLUMN IF NOT EXISTS peer_account VARCHAR;');
  await backfillPeers(connection);
}

export const MIGRATIONS: readonly Migration[] = [
  `CREATE TABLE spans (
     batch_seq BIGINT NOT NULL,
     trace_id VARCHAR NOT NULL,
     span_id VARCHAR NOT NULL,
     parent_span_id VARCHAR,
     name VARCHAR NOT NULL,
     kind VARCHAR NOT NULL,
     start_ns BIGINT NOT NULL,
     end_ns BIGINT NOT NULL,
     status_code VARCHAR NOT NULL,
     http_method VARCHAR,
     http_route VARCHAR,
     http_url VARCHAR,
     http_status INTEGER,
     service_name VARCHAR NOT NULL,
     account_id VARCHAR NOT NULL,
     -- repeated for every span of a process: dictionary compression stores it about once per row group
     resource_json VARCHAR NOT NULL,
     -- what is read back whole and never filtered on: trace state, status message, account
     -- label, scope, attributes, events, links (SpanDetail)
     detail_json VARCHAR NOT NULL
   );
   CREATE TABLE trace_parts (
     batch_seq BIGINT NOT NULL,
     trace_id VARCHAR NOT NULL,
     start_ns BIGINT NOT NULL,
     end_ns BIGINT NOT NULL,
     span_count INTEGER NOT NULL,
     has_error BOOLEAN NOT NULL,
     services VARCHAR[] NOT NULL,
     accounts VARCHAR[] NOT NULL,
     -- the earliest parentless span of the part, when it holds one
     root_start_ns BIGINT,
     root_service VARCHAR,
     root_name VARCHAR,
     -- the earliest span of the part: stands in for the root until the root arrives
     first_service VARCHAR NOT NULL,
     first_name VARCHAR NOT NULL
   );`,
  // Without it a trace lookup scans every trace id (40 ms at 10M spans); with it, 2 ms.
  `CREATE INDEX trace_parts_by_trace ON trace_parts (trace_id);`,
  // Filter expressions match the account's label and annotations: columns, because reading them
  // out of detail_json takes seconds at 10M spans. Annotation values are JSON text ("a", 5, true),
  // so a comparison knows the value's type. The ends of the root and first span give a trace's
  // response time without reading its spans (unknown for parts written before this version).
  `ALTER TABLE spans ADD COLUMN account_label VARCHAR;
   ALTER TABLE spans ADD COLUMN annotation_keys VARCHAR[];
   ALTER TABLE spans ADD COLUMN annotation_values VARCHAR[];
   UPDATE spans SET account_label = json_extract_string(detail_json, '$.accountLabel');
   ALTER TABLE trace_parts ADD COLUMN root_end_ns BIGINT;
   ALTER TABLE trace_parts ADD COLUMN first_end_ns BIGINT;`,
  // One row per delivery a sender marked with an idempotency key, committed with its spans: a
  // retry of a delivery whose acknowledgement was lost (central killed after the commit) is
  // recognised and not stored twice.
  `CREATE TABLE deliveries (
     delivery_id VARCHAR PRIMARY KEY,
     stored_at_ms BIGINT NOT NULL
   );`,
  // The service map's per-minute counts, written by central's aggregator (graph-sql.ts).
  GRAPH_TABLE_BEFORE_SKETCH,
  // Log records, found by trace (log-tables.ts).
  LOG_TABLE,
  // Usage for the cost profile, counted by central's meter (usage-tables.ts).
  USAGE_TABLE,
  // Span metrics per minute, account, service and operation, written by central's feed (metric-tables.ts).
  METRIC_TABLE_BEFORE_SKETCH,
  // Usage counts each trace once a day besides once per account (usage-tables.ts).
  USAGE_FIRST_RECORDED_COLUMN,
  TRACE_STATUS_MIGRATION,
  PEER_MIGRATION,
  SKETCH_MIGRATION,
  // Where central's counting of the service map, span metrics and usage stands (derived-state.ts
  // in @stitch/store): one row, replaced in the transaction that adds the figures. batch_seq is
  // then central's ingest sequence.
  `CREATE TABLE derived_checkpoint (
     through_seq BIGINT NOT NULL,
     -- the spans the service map holds waiting for a partner, as JSON [{traceId, spanId}]
     waiting VARCHAR NOT NULL
   );`,
  // Binary ids, typed attributes, resources kept once (span-table.ts).
  TYPED_SPANS_MIGRATION,
  // Events and links searchable: their names, times, ids and attributes in lists (nested-facets-sql.ts).
  NESTED_FACETS_MIGRATION,
];

async function backfillPeers(connection: DuckDBConnection): Promise<void> {
  await connection.run('CREATE TEMP TABLE peer_backfill (row_id BIGINT, peer_name VARCHAR, peer_account VARCHAR)');
  let last = -1n;
  for (;;) {
    const rows = (
      await connection.runAndReadAll(`SELECT rowid AS row_id, account_label, ${LEGACY_SPAN_COLUMNS} FROM spans WHERE kind IN ('client', 'producer') AND rowid > $1 ORDER BY rowid LIMIT 2000`, [last])
    ).getRowObjectsJS() as unknown as Array<LegacySpanRow & { row_id: bigint }>;
    if (rows.length === 0) break;
    const params: Array<string | bigint> = [];
    for (const row of rows) {
      const peer = inferPeer(spanFromRow(spanRowOfLegacy(row)));
      params.push(row.row_id, peer.name, peer.account);
    }
    await connection.run(`INSERT INTO peer_backfill VALUES ${rows.map(() => '(?, ?, ?)').join(', ')}`, params);
    last = rows.at(-1)!.row_id;
  }
  await connection.run('UPDATE spans SET peer_name = b.peer_name, peer_account = b.peer_account FROM peer_backfill b WHERE spans.rowid = b.row_id');
  await connection.run('DROP TABLE peer_backfill');
}

export const SCHEMA_TABLE = 'CREATE TABLE IF NOT EXISTS stitch_schema (version INTEGER NOT NULL)';
