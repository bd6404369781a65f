import { spanRowOfLegacy, type SpanRow } from '@stitch/store';

// Rows stored before the typed columns (span-layout.ts) have them empty and carry the span's
// detail and its resource's attributes as JSON instead; rows stored since leave both texts ''.

/** A spans row as the store reads it: a SpanRow, and the two texts of rows stored before. */
export type StoredSpanRow = SpanRow & { detail_json: string; resource_json: string };

/** The row as a SpanRow: as it is, or, stored before, with the columns filled from its JSON. */
export function spanRowOf(row: StoredSpanRow): SpanRow {
  return row.detail_json === '' ? row : spanRowOfLegacy(row);
}
