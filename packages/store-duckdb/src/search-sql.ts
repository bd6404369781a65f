import { HISTOGRAM_BOUNDS } from '@stitch/query';
import type { TraceQuery } from '@stitch/store';
import { compileFilter } from './filter-sql.ts';
import { SqlParams, type SqlParam } from './sql-params.ts';
import { hexOfTraceId } from './span-table.ts';

export interface SqlQuery {
  sql: string;
  params: SqlParam[];
}

/**
 * The CTEs that end in `matches` (trace_id, start_ns, end_ns): the traces starting in the
 * window that satisfy the query. Every user value travels as a parameter; the SQL text is
 * chosen only from fixed fragments.
 *
 * The per-trace start/end (and root duration) merge from trace_parts, with the service
 * prefilter and the duration bounds. A filter expression's span conditions read spans from the
 * window's start on: a span cannot start before its trace, and spans are stored roughly in time
 * order, so older row groups are skipped.
 */
function matchingTraces(query: Omit<TraceQuery, 'limit'>, params: SqlParams): { withCtes: string } {
  const start = params.add(query.startNanos, 'BIGINT');
  const end = params.add(query.endNanos, 'BIGINT');
  const filter = query.filter ? compileFilter(query.filter, params, start) : null;
  // A span of the service cannot start before its trace: parts from the window's start on suffice.
  const serviceFilter =
    query.serviceName === undefined ? '' : `AND trace_id IN (SELECT trace_id FROM trace_parts WHERE start_ns >= ${start} AND list_contains(services, ${params.add(query.serviceName, 'VARCHAR')}))`;
  const having = [`min(p.start_ns) >= ${start}`, `min(p.start_ns) < ${end}`];
  if (query.minDurationNanos !== undefined) having.push(`max(p.end_ns) - min(p.start_ns) >= ${params.add(query.minDurationNanos, 'BIGINT')}`);
  if (query.maxDurationNanos !== undefined) having.push(`max(p.end_ns) - min(p.start_ns) <= ${params.add(query.maxDurationNanos, 'BIGINT')}`);
  // The root: the earliest parentless span, or the earliest span while the root is missing.
  const rootDuration = filter?.needsRootDuration
    ? `, coalesce(arg_min(p.root_end_ns - p.root_start_ns, p.root_start_ns) FILTER (WHERE p.root_start_ns IS NOT NULL), arg_min(p.first_end_ns - p.start_ns, p.start_ns)) AS root_duration_ns`
    : '';
  // The trace's status: its root's outcome, unknown while the root is missing.
  const status = filter?.needsStatus ? `, coalesce(${ROOT_OUTCOME}, 'unknown') AS status` : '';
  // The root's name and service, or the earliest span's while the root is missing (as the summary shows them).
  const root = filter?.needsRoot
    ? `, coalesce(arg_min(p.root_name, p.root_start_ns) FILTER (WHERE p.root_start_ns IS NOT NULL), arg_min(p.first_name, p.start_ns)) AS root_name,
       coalesce(arg_min(p.root_service, p.root_start_ns) FILTER (WHERE p.root_start_ns IS NOT NULL), arg_min(p.first_service, p.start_ns)) AS root_service`
    : '';
  const ctes: string[] = [];
  filter?.spanFacts.forEach((condition, i) => ctes.push(`f${i} AS MATERIALIZED (SELECT s.trace_id FROM spans s WHERE s.start_ns >= ${start} AND ${condition})`));
  ctes.push(...(filter?.structureCtes ?? []));
  filter?.groupFacts.forEach(({ condition, groupBy, having }, i) =>
    ctes.push(`g${i} AS MATERIALIZED (
      SELECT s.trace_id FROM spans s WHERE s.start_ns >= ${start} AND ${condition}
      GROUP BY s.trace_id${groupBy === null ? '' : `, ${groupBy}`} HAVING ${having === '' ? 'true' : having}
    )`),
  );
  filter?.edgeFacts.forEach((condition, i) =>
    ctes.push(`e${i} AS MATERIALIZED (
      SELECT s.trace_id FROM spans s JOIN spans p ON p.trace_id = s.trace_id AND p.span_id = s.parent_span_id
      WHERE s.start_ns >= ${start} AND p.start_ns >= ${start} AND ${condition}
    )`),
  );
  const required = filter?.requiredSets ? `AND trace_id IN (${filter.requiredSets.map((set) => `SELECT trace_id FROM ${set}`).join(' UNION ALL ')})` : '';
  ctes.push(
    `candidates AS (
      SELECT DISTINCT trace_id FROM trace_parts WHERE start_ns >= ${start} AND start_ns < ${end} ${serviceFilter} ${required}
    )`,
    `traces AS (
      SELECT p.trace_id, min(p.start_ns) AS start_ns, max(p.end_ns) AS end_ns ${rootDuration} ${status} ${root}
      FROM trace_parts p SEMI JOIN candidates c ON p.trace_id = c.trace_id
      GROUP BY p.trace_id
      HAVING ${having.join(' AND ')}
    )`,
  );
  ctes.push(`matches AS (SELECT t.trace_id, t.start_ns, t.end_ns FROM traces t ${filter ? `WHERE ${filter.where}` : ''})`);
  // A structure's ancestor walks are recursive CTEs.
  return { withCtes: `WITH${filter?.structureCtes.length ? ' RECURSIVE' : ''} ${ctes.join(',\n')}` };
}

const ROOT_OUTCOME = 'arg_min(p.root_outcome, p.root_start_ns) FILTER (WHERE p.root_start_ns IS NOT NULL)';

/** A page of matching traces, newest first, each merged from its parts into a summary. */
export function buildSearchSql(query: TraceQuery): SqlQuery {
  const params = new SqlParams();
  const { withCtes } = matchingTraces(query, params);
  const sql = `
    ${withCtes},
    page AS (SELECT * FROM matches ORDER BY start_ns DESC, trace_id LIMIT ${params.add(query.limit, 'BIGINT')})
    SELECT
      ${hexOfTraceId('m.trace_id')} AS trace_id,
      m.start_ns,
      m.end_ns - m.start_ns AS duration_ns,
      sum(p.span_count)::BIGINT AS span_count,
      sum(p.error_count)::BIGINT AS error_count,
      ${ROOT_OUTCOME} AS root_outcome,
      list_sort(list_distinct(flatten(list(p.services)))) AS services,
      list_sort(list_distinct(flatten(list(p.accounts)))) AS accounts,
      arg_min(p.root_service, p.root_start_ns) FILTER (WHERE p.root_start_ns IS NOT NULL) AS root_service,
      arg_min(p.root_name, p.root_start_ns) FILTER (WHERE p.root_start_ns IS NOT NULL) AS root_name,
      arg_min(p.first_service, p.start_ns) AS first_service,
      arg_min(p.first_name, p.start_ns) AS first_name
    FROM page m JOIN trace_parts p ON p.trace_id = m.trace_id
    GROUP BY m.trace_id, m.start_ns, m.end_ns
    ORDER BY m.start_ns DESC, m.trace_id`;
  return { sql, params: params.values };
}

/** Every match counted into the duration histogram's buckets (bucket i: durations from bound i-1 up to bound i). */
export function buildHistogramSql(query: Omit<TraceQuery, 'limit'>): SqlQuery {
  const params = new SqlParams();
  const { withCtes } = matchingTraces(query, params);
  const bounds = params.add([...HISTOGRAM_BOUNDS], 'BIGINT[]');
  const sql = `
    ${withCtes}
    SELECT len(list_filter(${bounds}, b -> b <= end_ns - start_ns))::INTEGER AS bucket, count(*)::INTEGER AS count
    FROM matches GROUP BY bucket`;
  return { sql, params: params.values };
}
