import { HISTOGRAM_BOUNDS } from '@stitch/query';
import type { TraceQuery } from '@stitch/store';
import { compileFilter } from './filter-sql.ts';
import { localTable, sharedTable, type TableLayout } from './table-layout.ts';
import { int64, text } from './sql-literals.ts';
import { structureRowsSql, type ResolvedStructures, type StructureRequest } from './structure-sql.ts';

/**
 * The traces starting in the window that satisfy the query, one row per trace merged from its
 * parts (trace_start, trace_end, and the summary columns when `summary`). Every part of a
 * candidate trace is merged, wherever it starts, so a trace that began before the window is
 * recognised and left out. (Choosing the page from the bounds first and summarising only its
 * traces measured slower on 18.16: its filter subqueries then ran twice.)
 *
 * In a cluster the outer scan reads the Distributed parts table and runs whole on each shard
 * (distributed_group_by_no_merge): every subquery names the local tables, which hold all of the
 * shard's traces, and the caller merges the shards' rows.
 */
function matchingTraces(layout: TableLayout, query: Omit<TraceQuery, 'limit'>, summary: boolean, structures: ResolvedStructures): string {
  const start = int64(query.startNanos);
  const end = int64(query.endNanos);
  const filter = query.filter ? compileFilter(query.filter, localTable(layout, 'spans'), query.startNanos, structures) : null;
  const candidates = [`part_start_ns >= ${start}`, `part_start_ns < ${end}`];
  if (query.serviceName !== undefined) candidates.push(`has(services, ${text(query.serviceName)})`);
  if (filter?.requiredSets) candidates.push(`(${filter.requiredSets.map((set) => `trace_id IN ${set}`).join(' OR ')})`);
  const having = ['trace_start >= ' + start, 'trace_start < ' + end];
  if (query.minDurationNanos !== undefined) having.push(`trace_end - trace_start >= ${int64(query.minDurationNanos)}`);
  if (query.maxDurationNanos !== undefined) having.push(`trace_end - trace_start <= ${int64(query.maxDurationNanos)}`);
  if (filter) having.push(filter.where);
  // Aliases differ from the columns: ClickHouse substitutes an alias wherever its name appears.
  const columns = ['trace_id', 'min(part_start_ns) AS trace_start', 'max(part_end_ns) AS trace_end'];
  if (summary || filter?.needsRootDuration || filter?.needsStatus || filter?.needsRoot) {
    columns.push(
      'max(has_root) AS root_known',
      'argMinIf(root_service, root_start_ns, has_root = 1) AS trace_root_service',
      'argMinIf(root_name, root_start_ns, has_root = 1) AS trace_root_name',
      'argMin(first_service, part_start_ns) AS trace_first_service',
      'argMin(first_name, part_start_ns) AS trace_first_name',
      // The root: the earliest parentless span, or the earliest span while the root is missing.
      'if(root_known = 1, argMinIf(root_end_ns - root_start_ns, root_start_ns, has_root = 1), argMin(first_end_ns - part_start_ns, part_start_ns)) AS root_duration',
      // The trace's status: the root's outcome, from the parts that record one (schema.ts), unknown while the root is missing.
      "if(root_known = 1, argMinIf(root_outcome, root_start_ns, has_root = 1 AND root_outcome != ''), 'unknown') AS trace_status",
    );
  }
  if (summary) {
    columns.push(
      'sum(span_count) AS trace_span_count',
      'sum(error_count) AS trace_error_count',
      'arraySort(groupUniqArrayArray(services)) AS trace_services',
      'arraySort(groupUniqArrayArray(accounts)) AS trace_accounts',
    );
  }
  return `SELECT ${columns.join(', ')}
    FROM ${sharedTable(layout, 'trace_parts')}
    WHERE trace_id IN (SELECT trace_id FROM ${localTable(layout, 'trace_parts')} WHERE ${candidates.join(' AND ')})
    GROUP BY trace_id
    HAVING ${having.join(' AND ')}`;
}

/**
 * The queries that resolve the filter's structures (structure-sql.ts) for this window, before the
 * search: they read the shared tables, every shard's spans.
 */
export function structureQueries(layout: TableLayout, query: Omit<TraceQuery, 'limit'>): Array<{ request: StructureRequest; sql: string }> {
  if (!query.filter) return [];
  // The sets' conditions read each shard's own tables, as the rows' query runs on every shard.
  const { structureRequests } = compileFilter(query.filter, localTable(layout, 'spans'), query.startNanos);
  return structureRequests.map((request) => ({
    request,
    sql: structureRowsSql(
      request,
      { spans: sharedTable(layout, 'spans'), localSpans: localTable(layout, 'spans'), localParts: localTable(layout, 'trace_parts') },
      query.startNanos,
      query.endNanos,
    ),
  }));
}

/** A page of matching traces with their summaries, newest first. */
export function buildSearchSql(layout: TableLayout, query: TraceQuery, structures: ResolvedStructures = new Map()): string {
  const limit = `LIMIT ${Math.max(0, Math.trunc(query.limit))}`;
  // Each shard's newest page, then the newest of those.
  return `SELECT * FROM (${matchingTraces(layout, query, true, structures)} ORDER BY trace_start DESC, trace_id ${limit})
    ORDER BY trace_start DESC, trace_id ${limit}`;
}

/** Every match counted into the duration histogram's buckets (bucket i: durations from bound i-1 up to bound i). */
export function buildHistogramSql(layout: TableLayout, query: Omit<TraceQuery, 'limit'>, structures: ResolvedStructures = new Map()): string {
  // The bounds passed: a sum of comparisons, as 18.16's lambdas cannot read a subquery's columns.
  const bucket = HISTOGRAM_BOUNDS.map((bound) => `(trace_end - trace_start >= ${int64(bound)})`).join(' + ');
  return `SELECT ${bucket} AS bucket, count() AS count
    FROM (${matchingTraces(layout, query, false, structures)})
    GROUP BY bucket`;
}
