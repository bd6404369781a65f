import type { FilterExpr, SpanKey } from '@stitch/query';
import { spanConditionSql, type DiscoveryWindow } from '@stitch/store';
import { groupKeySql, spanAtoms } from './filter-sql.ts';
import { int64, textArray } from './sql-literals.ts';
import type { ListsPrefix } from './span-layout.ts';

// Attribute discovery (the store's AttributeDiscovery) as ClickHouse SQL over the spans of a
// window: each row holds its resource's lists too, so both scopes are one scan.

/** The spans table every shard's spans are read through, and this shard's own (the same on one node). */
export interface SpanTables {
  shared: string;
  local: string;
}

const ALL_KEYS = (prefix: ListsPrefix) => `arrayConcat(${['str', 'num', 'bool', 'other'].map((list) => `${prefix}${list}_keys`).join(', ')})`;

/** Each name once (18.16 has no arrayDistinct): a span's events may repeat a key, counted once per span. */
const distinct = (keys: string) => `arrayFilter((name, i) -> indexOf(${keys}, name) = i, ${keys}, arrayEnumerate(${keys}))`;

type Window = Pick<DiscoveryWindow, 'accounts'> & { startNanos: bigint; endNanos: bigint };

/** The window (and accounts) as a condition on a span row: discovery's and metrics queries'. */
export function inWindow(window: Window): string {
  return `${fromWindowStart(window)} AND start_ns < ${int64(window.endNanos)}`;
}

/** The window's accounts' spans from its start on: where a child count counts. */
export function fromWindowStart(window: Window): string {
  const accounts = window.accounts ? ` AND has(${textArray(window.accounts)}, account_id)` : '';
  return `start_ns >= ${int64(window.startNanos)}${accounts}`;
}

/** One scope's names (`prefix`: '' the span's, 'resource_' its resource's, 'event_' its events', 'link_' its links') with the spans carrying each, most first. */
export function attributeNamesSql(spansTable: string, window: DiscoveryWindow, prefix: ListsPrefix, limit: number): string {
  const keys = prefix === 'event_' || prefix === 'link_' ? distinct(ALL_KEYS(prefix)) : ALL_KEYS(prefix);
  return `SELECT name, toString(count()) AS count FROM ${spansTable} ARRAY JOIN ${keys} AS name
    WHERE ${inWindow(window)} GROUP BY name ORDER BY count() DESC, name LIMIT ${Math.trunc(limit)}`;
}

/** Rows (value_key, count): the typed keys (`s:`, `n:`, `b:`) of the values `key` takes, most common first. */
export function attributeValuesSql(tables: SpanTables, window: DiscoveryWindow, key: SpanKey, spans: FilterExpr | null, limit: number): string {
  const condition = spans === null ? '' : ` AND ${spanConditionSql(spans, spanAtoms(tables.local, fromWindowStart(window)))}`;
  return `SELECT value_key, toString(count()) AS count FROM (SELECT ${groupKeySql(key)} AS value_key FROM ${tables.shared} WHERE ${inWindow(window)}${condition})
    WHERE value_key != '' GROUP BY value_key ORDER BY count() DESC, value_key LIMIT ${Math.trunc(limit)}`;
}
