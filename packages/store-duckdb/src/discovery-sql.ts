import type { FilterExpr, SpanKey } from '@stitch/query';
import { spanConditionSql, type DiscoveryWindow } from '@stitch/store';
import { groupKeySql, spanAtoms } from './filter-sql.ts';
import type { SqlQuery } from './search-sql.ts';
import { SqlParams } from './sql-params.ts';

// Attribute discovery (the store's AttributeDiscovery) as DuckDB SQL over the spans of a window.

const ALL_KEYS = (alias: string) => `list_concat(${['str', 'num', 'bool', 'other'].map((list) => `coalesce(${alias}.${list}_keys, [])`).join(', ')})`;

type Window = Pick<DiscoveryWindow, 'accounts'> & { startNanos: bigint; endNanos: bigint };

/** The window (and accounts) as a condition on the span row `s`: discovery's and metrics queries'. */
export function inWindow(window: Window, params: SqlParams): string {
  return `${fromWindowStart(window, params, 's.')} AND s.start_ns < ${params.add(window.endNanos, 'BIGINT')}`;
}

/** The window's accounts' spans from its start on (`alias`: the columns' qualifier): where a child count counts. */
export function fromWindowStart(window: Window, params: SqlParams, alias = ''): string {
  // An empty list has no type to bind: no account is no span.
  const accounts = !window.accounts ? '' : window.accounts.length === 0 ? ' AND false' : ` AND ${alias}account_id IN (SELECT unnest(${params.add([...window.accounts], 'VARCHAR[]')}))`;
  return `${alias}start_ns >= ${params.add(window.startNanos, 'BIGINT')}${accounts}`;
}

/** Rows (scope, name, count): each scope's names, most carried first, at most `limit` each. */
export function attributeNamesSql(window: DiscoveryWindow, limit: number): SqlQuery {
  const params = new SqlParams();
  const where = inWindow(window, params);
  const top = params.add(limit, 'BIGINT');
  // A resource's names count once per span of it; a resource written twice is one resource.
  const sql = `
    WITH windowed AS MATERIALIZED (SELECT s.resource_id, ${ALL_KEYS('s')} AS keys,
        list_distinct(${ALL_KEYS('s.event_facets')}) AS event_keys, list_distinct(${ALL_KEYS('s.link_facets')}) AS link_keys FROM spans s WHERE ${where}),
    span_names AS (SELECT name, count(*) AS count FROM (SELECT unnest(keys) AS name FROM windowed) GROUP BY name),
    per_resource AS (SELECT resource_id, count(*) AS spans FROM windowed GROUP BY resource_id),
    resource_keys AS (SELECT DISTINCT r.resource_id, unnest(${ALL_KEYS('r')}) AS name FROM resources r WHERE r.resource_id IN (SELECT resource_id FROM per_resource)),
    resource_names AS (SELECT k.name, sum(p.spans) AS count FROM resource_keys k JOIN per_resource p USING (resource_id) GROUP BY k.name),
    event_names AS (SELECT name, count(*) AS count FROM (SELECT unnest(event_keys) AS name FROM windowed) GROUP BY name),
    link_names AS (SELECT name, count(*) AS count FROM (SELECT unnest(link_keys) AS name FROM windowed) GROUP BY name)
    SELECT 'span' AS scope, name, count::BIGINT AS count FROM (SELECT * FROM span_names ORDER BY count DESC, name LIMIT ${top})
    UNION ALL
    SELECT 'resource' AS scope, name, count::BIGINT AS count FROM (SELECT * FROM resource_names ORDER BY count DESC, name LIMIT ${top})
    UNION ALL
    SELECT 'event' AS scope, name, count::BIGINT AS count FROM (SELECT * FROM event_names ORDER BY count DESC, name LIMIT ${top})
    UNION ALL
    SELECT 'link' AS scope, name, count::BIGINT AS count FROM (SELECT * FROM link_names ORDER BY count DESC, name LIMIT ${top})`;
  return { sql, params: params.values };
}

/** Rows (value_key, count): the typed keys (`s:`, `n:`, `b:`) of the values `key` takes, most common first. */
export function attributeValuesSql(window: DiscoveryWindow, key: SpanKey, spans: FilterExpr | null, limit: number): SqlQuery {
  const params = new SqlParams();
  const where = inWindow(window, params);
  const condition = spans === null ? '' : ` AND ${spanConditionSql(spans, spanAtoms(params, () => fromWindowStart(window, params)))}`;
  const sql = `
    SELECT value_key, count(*)::BIGINT AS count
    FROM (SELECT ${groupKeySql(key, params)} AS value_key FROM spans s WHERE ${where}${condition})
    WHERE value_key IS NOT NULL
    GROUP BY value_key ORDER BY count DESC, value_key LIMIT ${params.add(limit, 'BIGINT')}`;
  return { sql, params: params.values };
}
