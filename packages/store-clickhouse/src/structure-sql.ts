import { selectSpans, spanSetsOf, type SpanSet, type StructureExpr } from '@stitch/query';
import { StoreError } from '@stitch/store';
import { int64 } from './sql-literals.ts';

// TraceQL's structural operators on ClickHouse. 18.16 has no recursive queries, which `>>` and
// `<<` need, so a structure is resolved before the search: one query reads, for the traces that
// could match, every span's id, parent and whether it is in each `{ }` of the chain; the query
// package's selectSpans (the reference's own relations) picks the traces; the search then tests
// membership in that list.

/** More candidate spans than this and the query is refused: the list travels in the search's text. */
export const MAX_STRUCTURE_SPANS = 1_000_000;

/** What resolving a structure needs: the SQL of each span set's condition on a span row. */
export interface StructureRequest {
  node: StructureExpr;
  conditions: string[];
}

/** The traces each structure of a filter selects spans in. */
export type ResolvedStructures = ReadonlyMap<StructureExpr, readonly string[]>;

/** Where the rows are read: every shard's spans (the shared table), each shard's own tables inside. */
export interface StructureTables {
  spans: string;
  localSpans: string;
  localParts: string;
}

/**
 * The rows a structure is decided on: the spans of the traces that start in the window (their
 * parts do) and hold a span of the chain's last set, which every selected span, or for &op some,
 * is in. Ordered by trace, so a trace's rows come together. The subqueries read each shard's own
 * tables (a trace lives on one shard), as a cluster refuses distributed tables inside.
 */
export function structureRowsSql(request: StructureRequest, tables: StructureTables, startNanos: bigint, endNanos: bigint): string {
  const from = int64(startNanos);
  const flags = request.conditions.map((condition, i) => `toUInt8(${condition}) AS f${i}`).join(', ');
  return `SELECT trace_id, span_id, ifNull(parent_span_id, '') AS parent, ${flags}
    FROM ${tables.spans}
    WHERE start_ns >= ${from}
      AND trace_id IN (SELECT trace_id FROM ${tables.localSpans} WHERE start_ns >= ${from} AND ${request.conditions.at(-1)})
      AND trace_id IN (SELECT trace_id FROM ${tables.localParts} WHERE part_start_ns >= ${from} AND part_start_ns < ${int64(endNanos)})
    ORDER BY trace_id
    LIMIT ${MAX_STRUCTURE_SPANS + 1}`;
}

export interface StructureRow {
  trace_id: string;
  span_id: string;
  parent: string;
  [flag: `f${number}`]: number;
}

/** The traces among `rows` (structureRowsSql's) in which the structure selects a span. */
export function tracesSelected(node: StructureExpr, rows: readonly StructureRow[]): string[] {
  if (rows.length > MAX_STRUCTURE_SPANS) {
    throw new StoreError(`clickhouse: the structural query reads more than ${MAX_STRUCTURE_SPANS} spans; narrow the window or the span sets`);
  }
  const sets = spanSetsOf(node.source);
  const index = new Map<SpanSet, number>(sets.map((set, i) => [set, i]));
  const selected: string[] = [];
  for (let start = 0; start < rows.length; ) {
    let end = start;
    while (end < rows.length && rows[end]!.trace_id === rows[start]!.trace_id) end++;
    const spans = rows.slice(start, end).map((row) => ({ spanId: row.span_id, parentSpanId: row.parent === '' ? null : row.parent, row }));
    if (selectSpans(node.source, spans, (set, span) => span.row[`f${index.get(set)!}`] === 1).size > 0) selected.push(rows[start]!.trace_id);
    start = end;
  }
  return selected;
}
