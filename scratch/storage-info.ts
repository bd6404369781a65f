import { DuckDBInstance } from '@duckdb/node-api';
const c = await (await DuckDBInstance.create(':memory:')).connect();
await c.run(`ATTACH '${process.argv[2]}' AS s (READ_ONLY)`);
const cols = (await c.runAndReadAll(`SELECT * FROM pragma_storage_info('s.spans') LIMIT 1`)).columnNames();
console.log(cols.join(','));
const n = Number((await c.runAndReadAll('SELECT count(*) AS n FROM s.spans')).getRowObjectsJS()[0]!.n);
for (const table of ['spans', 'trace_parts', 'resources']) {
  const rows = (await c.runAndReadAll(`SELECT column_name, sum(CASE WHEN segment_type = 'VALIDITY' THEN 0 ELSE 1 END) AS segs, string_agg(DISTINCT compression, ',') AS comp, count(DISTINCT block_id) AS blocks FROM pragma_storage_info('s.${table}') GROUP BY column_name ORDER BY blocks DESC LIMIT 40`).catch((e) => { console.log(e.message); return null; }))?.getRowObjectsJS();
  console.log(table, n);
  for (const r of rows ?? []) console.log(' ', r.column_name, r.comp, 'blocks', r.blocks);
}
