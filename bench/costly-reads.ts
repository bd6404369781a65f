// `node --import tsx bench/costly-reads.ts [--traces N] [--threads N] [--read-connections N] [--skip-load]`:
// what one costly filter costs as its conditions grow (the 127-condition OR with a
// histogram over 31 days), and ingest latency idle and while four such searches run back to back.
// The store is DuckDB in memory, filled in-process with 5-span traces spread over 31 days.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { nanos } from '@stitch/model';
import { parseFilter } from '@stitch/query';
import { costlyCorpus, costlyFilter } from '@stitch/test-support/fixtures';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { startCentral } from '@stitch/central';
import { ingestUnderCostlyReads } from '@stitch/test-support/central';
import type { CostlyReadsReport } from './costly-reads-report.ts';
import { summarizeLatencies } from './latency-stats.ts';
import { machineInfo } from './machine-info.ts';
import { writeResultFile } from './result-files.ts';

const { values } = parseArgs({
  options: { traces: { type: 'string', default: '100000' }, threads: { type: 'string' }, 'read-connections': { type: 'string' }, 'skip-load': { type: 'boolean', default: false }, name: { type: 'string', default: 'costly-reads' } },
});
const traces = Number(values.traces);
const store = await openDuckDbStore({
  path: ':memory:',
  ...(values.threads ? { threads: Number(values.threads) } : {}),
  ...(values['read-connections'] ? { readConnections: Number(values['read-connections']) } : {}),
});
const corpus = costlyCorpus(traces);
let started = performance.now();
for (const batch of corpus.batches()) await store.writeBatch(batch);
console.error(`filled ${traces * 5} spans in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const window = { startNanos: nanos(corpus.startNs), endNanos: nanos(corpus.endNs) };
const filterCost: CostlyReadsReport['filterCost'] = [];
for (const conditions of [8, 32, 64, 127]) {
  const filter = parseFilter(costlyFilter(conditions));
  started = performance.now();
  await store.durationHistogram({ ...window, filter });
  const histogramMs = Math.round(performance.now() - started);
  started = performance.now();
  await store.searchTraces({ ...window, filter, limit: 20 });
  const searchMs = Math.round(performance.now() - started);
  filterCost.push({ conditions, histogramMs, searchMs });
  console.error(`${conditions} conditions: histogram ${histogramMs} ms, search ${searchMs} ms`);
}

let ingest: CostlyReadsReport['ingest'] = null;
if (!values['skip-load']) {
  const central = await startCentral({ store, adminToken: 'bench-admin-token-0001', readToken: 'bench-reader-token-0001', decodeWorkers: 1, log: () => {}, port: 0 });
  const load = await ingestUnderCostlyReads({ url: central.url, ingestToken: 'bench-admin-token-0001', readToken: 'bench-reader-token-0001', corpus, posts: 200, readers: 4 });
  const statuses: Record<string, number> = {};
  for (const answer of load.answers) statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
  ingest = {
    postSpans: 100,
    idleMs: summarizeLatencies(load.idle),
    underFourCostlySearchesMs: summarizeLatencies(load.loaded),
    costlySearches: { statuses, ms: summarizeLatencies(load.answers.map((a) => a.ms)) },
  };
  console.error(JSON.stringify(ingest, null, 1));
  await central.close();
}
await store.close();
const report: CostlyReadsReport = { spans: traces * 5, days: 31, filterCost, ingest, loadAverage: loadavg(), machine: machineInfo(), at: new Date().toISOString() };
const file = writeResultFile(values.name!, report);
console.error(`written ${file}`);
