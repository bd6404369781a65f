import { OLD_HISTOGRAM_COLUMNS, type DerivedCheckpoint, type DerivedCommit } from '@stitch/store';
import { graphRowOf } from './graph-sql.ts';
import { metricRowOf } from './metric-tables.ts';
import { localTable, type TableLayout } from './table-layout.ts';
import { usageRowOf } from './usage-tables.ts';

// Durable derived figures (derived-state.ts in @stitch/store) need the service map's, the span
// metrics' and the usage rows added together with the checkpoint, all or nothing; ClickHouse has
// no transactions across tables. So a commit is ONE row, inserted into derived_commits, a Null
// table (it keeps nothing): each target's rows as one array per column, and the checkpoint.
// A materialized view per target unrolls its arrays (ARRAY JOIN) into graph_buckets,
// metric_buckets and usage, and one copies the checkpoint into derived_checkpoints, all from that
// one insert. Not several rows: a central killed while an insert streams leaves the rows the
// server had received (docs/operations.md, "Writes, exactly once through a crash"), and a row cut short is no
// row at all. In a cluster a commit goes to the first node's tables (the derived tables are read
// through Distributed ones, which add up every shard). derived_checkpoints keeps the newest row
// of a day once merged (ReplacingMergeTree on commit_no); old days are dropped with the delivery ids.

/** The latency sketch's Nested columns (sketch-sql.ts); named in SQL with backquotes, in derived_commits without the dot. */
const SKETCH_COLUMNS: Array<[string, string]> = [
  ['latencyMap.bucket', 'Array(Int16)'],
  ['latencyMap.count', 'Array(Int64)'],
];
const quoted = (name: string) => (name.includes('.') ? `\`${name}\`` : name);
const commitColumn = (prefix: string, name: string) => `${prefix}_${name.replace('.', '_')}`;

const GRAPH_COLUMNS: Array<[string, string]> = [
  ['bucket_start_ms', 'Int64'],
  ['kind', 'String'],
  ['connection', 'String'],
  ...['from_account', 'from_account_label', 'from_service', 'from_inferred', 'from_label'].map((name): [string, string] => [name, 'Nullable(String)']),
  ['to_account', 'String'],
  ['to_account_label', 'String'],
  ['to_service', 'String'],
  ['to_inferred', 'Nullable(String)'],
  ['to_label', 'String'],
  ...['requests', 'errors', 'faults', 'throttles', 'latency_sum_ns', 'roots'].map((name): [string, string] => [name, 'Int64']),
  ['examples', 'Array(String)'],
  ...SKETCH_COLUMNS,
];
const METRIC_COLUMNS: Array<[string, string]> = [
  ['bucket_start_ms', 'Int64'],
  ...['account', 'account_label', 'service', 'operation'].map((name): [string, string] => [name, 'String']),
  ...['requests', 'errors', 'faults', 'throttles', 'latency_sum_ns'].map((name): [string, string] => [name, 'Int64']),
  ...SKETCH_COLUMNS,
];
const USAGE_COLUMNS: Array<[string, string]> = [
  ...['day', 'account_id', 'service_name'].map((name): [string, string] => [name, 'String']),
  ...['traces_recorded', 'traces_first_recorded', 'spans', 'bytes_ingested', 'bytes_stored', 'traces_scanned', 'traces_retrieved'].map((name): [string, string] => [name, 'Int64']),
  ['first_seen_ms', 'Nullable(Int64)'],
  ['last_seen_ms', 'Nullable(Int64)'],
];
const CHECKPOINT_COLUMNS: Array<[string, string]> = [
  ['commit_no', 'Int64'],
  ['committed_at_ms', 'Int64'],
  ['through_seq', 'Int64'],
  ['waiting', 'String'],
];

/** Each target's prefix in derived_commits, its table and its columns. */
const TARGETS: Array<[prefix: string, table: string, columns: Array<[string, string]>]> = [
  ['graph', 'graph_buckets', GRAPH_COLUMNS],
  ['metric', 'metric_buckets', METRIC_COLUMNS],
  ['usage', 'usage', USAGE_COLUMNS],
];

/** A view must give every column of its target: the 25 % histogram columns of tables made before the sketch are zeros. */
const oldHistogramZeros = (table: string) => (table === 'usage' ? '' : `, ${OLD_HISTOGRAM_COLUMNS.map((column) => `toInt64(0) AS ${column}`).join(', ')}`);

export function derivedTableStatements(layout: TableLayout): string[] {
  const arrays = TARGETS.flatMap(([prefix, , columns]) => columns.map(([name, type]) => `${commitColumn(prefix, name)} Array(${type})`));
  return [
    `ALTER TABLE ${localTable(layout, 'spans')} ADD COLUMN ingest_seq Int64 DEFAULT 0`,
    ...(layout.cluster ? [`ALTER TABLE ${layout.database}.spans ADD COLUMN ingest_seq Int64 DEFAULT 0`] : []),
    `CREATE TABLE IF NOT EXISTS ${localTable(layout, 'derived_checkpoints')} (
       slot UInt8,
       ${CHECKPOINT_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')}
     ) ENGINE = ReplacingMergeTree(commit_no) PARTITION BY toDate(toDateTime(intDiv(committed_at_ms, 1000), 'UTC')) ORDER BY slot`,
    `CREATE TABLE IF NOT EXISTS ${localTable(layout, 'derived_commits')} (
       ${[...CHECKPOINT_COLUMNS.map(([name, type]) => `${name} ${type}`), ...arrays].join(', ')}
     ) ENGINE = Null`,
    ...TARGETS.map(
      ([prefix, table, columns]) =>
        `CREATE MATERIALIZED VIEW IF NOT EXISTS ${localTable(layout, `derived_${prefix}_view`)} TO ${localTable(layout, table)} AS
         SELECT ${columns.map(([name]) => quoted(name)).join(', ')}${oldHistogramZeros(table)} FROM ${localTable(layout, 'derived_commits')}
         ARRAY JOIN ${columns.map(([name]) => `${commitColumn(prefix, name)} AS ${quoted(name)}`).join(', ')}`,
    ),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${localTable(layout, 'derived_checkpoint_view')} TO ${localTable(layout, 'derived_checkpoints')} AS
     SELECT toUInt8(0) AS slot, ${CHECKPOINT_COLUMNS.map(([name]) => name).join(', ')} FROM ${localTable(layout, 'derived_commits')}`,
  ];
}

/** A commit as derived_commits' one row: each target's rows turned into one array per column. */
export function derivedCommitRow(commit: DerivedCommit, commitNo: number, nowMs: number): Record<string, unknown> {
  const row: Record<string, unknown> = {
    commit_no: String(commitNo),
    committed_at_ms: String(nowMs),
    through_seq: String(commit.checkpoint.throughSeq),
    waiting: JSON.stringify(commit.checkpoint.waiting),
  };
  const targetRows: Record<string, Array<Record<string, unknown>>> = {
    graph: commit.graphRecords.map(graphRowOf),
    metric: commit.metricRecords.map(metricRowOf),
    usage: commit.usageRows.map(usageRowOf),
  };
  for (const [prefix, , columns] of TARGETS) {
    for (const [name] of columns) row[commitColumn(prefix, name)] = targetRows[prefix]!.map((target) => target[name] ?? null);
  }
  return row;
}
/** The newest checkpoint on this node (read: commit_no, through_seq, waiting). */
export const readCheckpointSql = (layout: TableLayout) =>
  `SELECT toString(commit_no) AS commit_no, toString(through_seq) AS through_seq, waiting FROM ${localTable(layout, 'derived_checkpoints')} ORDER BY commit_no DESC LIMIT 1`;

export function checkpointOf(row: { through_seq: string; waiting: string }): DerivedCheckpoint {
  return { throughSeq: Number(row.through_seq), waiting: JSON.parse(row.waiting) as DerivedCheckpoint['waiting'] };
}
