import assert from 'node:assert/strict';
import { countStored, RecentKeys, UsageTally } from '@stitch/cost';
import { mergeGraphRecords, ServiceGraphAggregator, type GraphRecord } from '@stitch/graph';
import { SpanMetricsAggregator, type MetricRecord } from '@stitch/metrics';
import { spansToBatch, type UsageRow } from '@stitch/model';
import type { CentralStore } from '@stitch/store';
import { DerivedFigures } from '@stitch/central/derive/derived-figures';
import { UsageMeter } from '@stitch/central/derive/usage-meter';

// Derived figures as durable as the spans (issue 24, deliverable 4): after central was killed,
// restarted, or its store failed, the service map's counts, the span metrics and the usage
// equal those counted again, in one pass, from every span the store holds. Tolerance: exact.

const ALL_TIME: [number, number] = [0, Number.MAX_SAFE_INTEGER];

/**
 * What the map must hold whatever the timing: each service node's requests, errors, faults and
 * roots, and each service's calls (the edges it starts, whatever they were paired with). Which
 * callee a call is drawn to is not compared: a callee's span arriving after the pair wait (an
 * agent down 30 s) makes the call one to an inferred peer and the callee's span an orphan, live
 * as in any process, while a recount in one pass pairs them.
 */
function mapCounts(records: readonly GraphRecord[]): Record<string, string> {
  const counts = new Map<string, string>();
  const calls = new Map<string, number>();
  for (const r of mergeGraphRecords(records)) {
    if (r.kind === 'node' && r.to.inferred === null) counts.set(`node ${r.to.account}/${r.to.service}`, `${r.measurements.count} requests, ${r.measurements.errors} errors, ${r.measurements.faults} faults, ${r.roots} roots`);
    if (r.kind === 'edge' && r.from && r.from.inferred === null) {
      const caller = `calls from ${r.from.account}/${r.from.service} (${r.connection})`;
      calls.set(caller, (calls.get(caller) ?? 0) + r.measurements.count);
    }
  }
  for (const [caller, count] of calls) counts.set(caller, `${count} calls`);
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Per (account, service, operation): requests, errors and faults (all minutes added up). */
function metricCounts(records: readonly MetricRecord[]): Record<string, string> {
  const sums = new Map<string, [number, number, number]>();
  for (const r of records) {
    const key = `${r.account}/${r.service} ${r.operation}`;
    const sum = sums.get(key) ?? [0, 0, 0];
    sums.set(key, [sum[0] + r.measurements.count, sum[1] + r.measurements.errors, sum[2] + r.measurements.faults]);
  }
  return Object.fromEntries([...sums].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, [count, errors, faults]]) => [key, `${count} requests, ${errors} errors, ${faults} faults`]));
}

/** Per (day, account, service): what is counted from stored spans (bytes ingested and reads are not). */
const usageCounts = (rows: readonly UsageRow[]) =>
  Object.fromEntries(
    rows
      .filter((row) => row.spans > 0)
      .map((row) => [`${row.day} ${row.accountId}/${row.serviceName}`, `${row.spans} spans, ${row.tracesRecorded} traces, ${row.bytesStored} bytes stored`] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );

/** Each figure as the store holds it and as counted again from its spans, keyed per node, edge, operation or usage row. */
export interface FiguresRecount {
  spans: number;
  map: { stored: Record<string, string>; recount: Record<string, string> };
  metrics: { stored: Record<string, string>; recount: Record<string, string> };
  usage: { stored: Record<string, string>; recount: Record<string, string> };
}

/**
 * Settles the calls still waiting for their callee as a central started on this store would
 * (taking back its checkpoint and counting what came after it), then reads the figures the
 * store holds and recounts its spans with fresh aggregators, in one pass.
 */
export async function recountFigures(store: CentralStore, pairWaitMs = 25_000): Promise<FiguresRecount> {
  const log = (message: string) => console.error(`[recount] ${message}`);
  const settling = await DerivedFigures.open(store, { pairWaitMs, usage: new UsageMeter({ now: Date.now, log }), log, now: Date.now });
  await settling.flush(true);
  await settling.close();

  const spans = (await store.readWrites(0, await store.lastIngestSeq())).flatMap((write) => write.spans);
  const map = new ServiceGraphAggregator({ pairWaitMs });
  map.add(spans, 0);
  map.expire(Number.MAX_SAFE_INTEGER);
  const metrics = new SpanMetricsAggregator();
  metrics.addSpans(spans);
  const usage = new UsageTally();
  countStored(spansToBatch(spans), usage, new RecentKeys(spans.length * 2 + 2));
  return {
    spans: spans.length,
    map: { stored: mapCounts(await store.readGraphRecords(...ALL_TIME)), recount: mapCounts(map.drain()) },
    metrics: { stored: metricCounts(await store.readMetricRecords(...ALL_TIME)), recount: metricCounts(metrics.drain()) },
    usage: { stored: usageCounts(await store.readUsage('0000-01-01', '9999-12-31')), recount: usageCounts(usage.take()) },
  };
}

/** The map's, the span metrics' and the usage's counts equal a recount of the stored spans (all three at once, so a failure shows each). Tolerance: exact. */
export function assertFiguresEqualRecount(figures: FiguresRecount): void {
  assert.deepEqual(
    { map: figures.map.stored, metrics: figures.metrics.stored, usage: figures.usage.stored },
    { map: figures.map.recount, metrics: figures.metrics.recount, usage: figures.usage.recount },
    'the service map, span metrics and usage as stored equal a recount of the stored spans',
  );
}
