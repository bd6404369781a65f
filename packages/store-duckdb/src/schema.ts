// Versioned schema: each step runs once, in order, inside a transaction; the version is
// recorded in stitch_schema so an older file is migrated on open.
//
// spans: one row per span, in ingest order. batch_seq numbers each committed batch, so the
// rows of one batch sit together and DuckDB's per-row-group min/max on batch_seq lets a
// trace lookup read only the row groups that hold it.
// trace_parts: one row per (batch, trace), a few percent of the spans: the trace-id lookup
// table (which batches hold a trace) and the input of search, which merges the parts of a
// trace into its summary without touching the spans.
import { GRAPH_TABLE } from './graph-sql.ts';
import { USAGE_TABLE } from './usage-tables.ts';
import { METRIC_TABLE } from './metric-tables.ts';
import { LOG_TABLE } from './log-tables.ts';

export const MIGRATIONS: readonly string[] = [
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
  GRAPH_TABLE,
  // Log records, found by trace (log-tables.ts).
  LOG_TABLE,
  // Usage for the cost profile, counted by central's meter (usage-tables.ts).
  USAGE_TABLE,
  // Span metrics per minute, account, service and operation, written by central's feed (metric-tables.ts).
  METRIC_TABLE,
  // Where central's counting of the service map, span metrics and usage stands (derived-state.ts
  // in @stitch/store): one row, replaced in the transaction that adds the figures. batch_seq is
  // then central's ingest sequence.
  `CREATE TABLE derived_checkpoint (
     through_seq BIGINT NOT NULL,
     -- the spans the service map holds waiting for a partner, as JSON [{traceId, spanId}]
     waiting VARCHAR NOT NULL
   );`,
];

export const SCHEMA_TABLE = 'CREATE TABLE IF NOT EXISTS stitch_schema (version INTEGER NOT NULL)';
