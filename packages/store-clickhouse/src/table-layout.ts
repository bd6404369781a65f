// Where a table's rows live: one node's MergeTree `<name>_local`, and in a cluster the Distributed
// `<name>` in front of the shards. Every SQL module names tables through these.
import { identifier } from './sql-literals.ts';

export interface TableLayout {
  database: string;
  /** The cluster (remote_servers) name, or null on a single node. */
  cluster: string | null;
}

/** The table that holds rows on this node. */
export const localTable = (layout: TableLayout, table: string) => `${identifier(layout.database)}.${table}_local`;
/** The table that reads and writes see: the Distributed one in a cluster. */
export const sharedTable = (layout: TableLayout, table: string) => (layout.cluster ? `${identifier(layout.database)}.${table}` : localTable(layout, table));
