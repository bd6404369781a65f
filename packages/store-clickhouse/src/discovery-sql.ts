import type { FilterExpr, SpanKey } from '@stitch/query';
import { spanConditionSql, type DiscoveryWindow } from '@stitch/store';
import { groupKeySql, SPAN_ATOMS } from './filter-sql.ts';
import { int64, textArray } from './sql-literals.ts';
import type { ListsPrefix } from './span-layout.ts';

// Attribute discovery (the store's AttributeDiscovery) as ClickHouse SQL over the spans of a
// window: each row holds its resource's lists too, so both scopes are one scan.

const ALL_KEYS = (prefix: ListsPrefix) => `arrayConcat(${['str', 'num', 'bool', 'other'].map((list) => `${prefix}${list}_keys`).join(', ')})`;

/** Each name once (18.16 has no arrayDistinct): a span's events may repeat a key, counted once per span. */
const distinct = (keys: string) => `arrayFilter((name, i) -> indexOf(${keys}, name) = i, ${keys}, arrayEnumerate(${keys}))`;

/** The window (and accounts) as a condition on a span row: discovery's and metrics queries'. */
export function inWindow(window: Pick<DiscoveryWindow, 'accounts'> & { startNanos: bigint; endNanos: bigint }): string {
  const accounts = window.accounts ? ` AND has(${textArray(window.accounts)}, account_id)` : '';
  return `start_ns >= ${int64(window.startNanos)} AND start_ns < ${int64(window.endNanos)}${accounts}`;
}

/** One scope's names (`prefix`: '' the span's, 'resource_' its resource's, 'event_' its events', 'link_' its links') with the spans carrying each, most first. */
export function attributeNamesSql(spansTable: string, window: DiscoveryWindow, prefix: ListsPrefix, limit: number): string {
  const keys = prefix === 'event_' || prefix === 'link_' ? distinct(ALL_KEYS(prefix)) : ALL_KEYS(prefix);
  return `SELECT name, toString(count()) AS count FROM ${spansTable} ARRAY JOIN ${keys} AS name
    WHERE ${inWindow(window)} GROUP BY name ORDER BY count() DESC, name LIMIT ${Math.trunc(limit)}`;
}

/** Rows (value_key, count): the typed keys (`s:`, `n:`, `b:`) of the values `key` takes, most common first. */
export function attributeValuesSql(spansTable: string, window: DiscoveryWindow, key: SpanKey, spans: FilterExpr | null, limit: number): string {
  const condition = spans === null ? '' : ` AND ${spanConditionSql(spans, SPAN_ATOMS)}`;
  return `SELECT value_key, toString(count()) AS count FROM (SELECT ${groupKeySql(key)} AS value_key FROM ${spansTable} WHERE ${inWindow(window)}${condition})
    WHERE value_key != '' GROUP BY value_key ORDER BY count() DESC, value_key LIMIT ${Math.trunc(limit)}`;
}
