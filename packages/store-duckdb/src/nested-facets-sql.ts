import type { DuckDBConnection } from '@duckdb/node-api';
import { eventFacetsJson, eventsFromJson, linkFacetsJson, linksFromJson } from '@stitch/model';
import { EVENT_FACETS_TYPE, eventFacetsOf, LINK_FACETS_TYPE, linkFacetsOf } from './span-table.ts';

/**
 * A migration step: the columns of a span's events and links (span-table.ts), and the spans
 * stored before given theirs, by the same functions a write derives them with.
 */
export async function NESTED_FACETS_MIGRATION(connection: DuckDBConnection): Promise<void> {
  await connection.run(`ALTER TABLE spans ADD COLUMN event_facets ${EVENT_FACETS_TYPE}; ALTER TABLE spans ADD COLUMN link_facets ${LINK_FACETS_TYPE};`);
  await connection.run('CREATE TEMP TABLE facet_backfill (row_id BIGINT, events VARCHAR, links VARCHAR)');
  let last = -1n;
  for (;;) {
    const rows = (
      await connection.runAndReadAll(
        'SELECT rowid AS row_id, start_ns, events_json, links_json FROM spans WHERE (events_json IS NOT NULL OR links_json IS NOT NULL) AND rowid > $1 ORDER BY rowid LIMIT 2000',
        [last],
      )
    ).getRowObjectsJS() as unknown as Array<{ row_id: bigint; start_ns: bigint; events_json: string | null; links_json: string | null }>;
    if (rows.length === 0) break;
    const params = rows.flatMap((row) => [row.row_id, eventFacetsJson(eventsFromJson(row.events_json), row.start_ns), linkFacetsJson(linksFromJson(row.links_json))]);
    await connection.run(`INSERT INTO facet_backfill VALUES ${rows.map(() => '(?, ?, ?)').join(', ')}`, params);
    last = rows.at(-1)!.row_id;
  }
  await connection.run(`UPDATE spans SET event_facets = ${eventFacetsOf('b.events')}, link_facets = ${linkFacetsOf('b.links')} FROM facet_backfill b WHERE spans.rowid = b.row_id`);
  await connection.run('DROP TABLE facet_backfill');
}
