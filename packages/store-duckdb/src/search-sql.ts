import type { TraceQuery } from '@stitch/store';

export interface SqlQuery {
  sql: string;
  params: Array<string | bigint | number>;
}

/**
 * The trace search as SQL over trace_parts. Every user value travels as a parameter; the SQL
 * text is chosen only from the fixed fragments below.
 *
 * Two steps: first the cheap per-trace start/end over the parts of traces that have a part in
 * the window, filtered, ordered and limited; only for those few traces are the service and
 * account lists and the root merged.
 */
export function buildSearchSql(query: TraceQuery): SqlQuery {
  const params: SqlQuery['params'] = [query.startNanos, query.endNanos];
  const having = ['min(p.start_ns) >= ?::BIGINT', 'min(p.start_ns) < ?::BIGINT'];
  params.push(query.startNanos, query.endNanos);
  if (query.minDurationNanos !== undefined) {
    having.push('max(p.end_ns) - min(p.start_ns) >= ?::BIGINT');
    params.push(query.minDurationNanos);
  }
  if (query.maxDurationNanos !== undefined) {
    having.push('max(p.end_ns) - min(p.start_ns) <= ?::BIGINT');
    params.push(query.maxDurationNanos);
  }
  let serviceFilter = '';
  if (query.serviceName !== undefined) {
    // Only traces with a span of the service are candidates. That span cannot start before the
    // trace does, so only parts from the window's start on need looking at: exact, and cheap
    // for the newest slices a search starts with.
    serviceFilter = 'AND trace_id IN (SELECT trace_id FROM trace_parts WHERE start_ns >= ?::BIGINT AND list_contains(services, ?::VARCHAR))';
    params.splice(2, 0, query.startNanos, query.serviceName);
  }
  params.push(query.limit);
  const sql = `
    WITH candidates AS (
      SELECT DISTINCT trace_id FROM trace_parts WHERE start_ns >= ?::BIGINT AND start_ns < ?::BIGINT ${serviceFilter}
    ),
    matches AS (
      SELECT p.trace_id, min(p.start_ns) AS start_ns, max(p.end_ns) AS end_ns
      FROM trace_parts p SEMI JOIN candidates c ON p.trace_id = c.trace_id
      GROUP BY p.trace_id
      HAVING ${having.join(' AND ')}
      ORDER BY start_ns DESC, p.trace_id
      LIMIT ?::BIGINT
    )
    SELECT
      m.trace_id,
      m.start_ns,
      m.end_ns - m.start_ns AS duration_ns,
      sum(p.span_count)::BIGINT AS span_count,
      bool_or(p.has_error) AS has_error,
      list_sort(list_distinct(flatten(list(p.services)))) AS services,
      list_sort(list_distinct(flatten(list(p.accounts)))) AS accounts,
      arg_min(p.root_service, p.root_start_ns) FILTER (WHERE p.root_start_ns IS NOT NULL) AS root_service,
      arg_min(p.root_name, p.root_start_ns) FILTER (WHERE p.root_start_ns IS NOT NULL) AS root_name,
      arg_min(p.first_service, p.start_ns) AS first_service,
      arg_min(p.first_name, p.start_ns) AS first_name
    FROM matches m JOIN trace_parts p ON p.trace_id = m.trace_id
    GROUP BY m.trace_id, m.start_ns, m.end_ns
    ORDER BY m.start_ns DESC, m.trace_id`;
  return { sql, params };
}
