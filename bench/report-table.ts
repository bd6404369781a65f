import type { AgentReport, ConsoleReport, IngestReport, QueryReport, SdkHopReport, TargetCheck } from './bench-report.ts';
import { int, mib, percentiles, type ReportRow, type ReportSection } from './report-format.ts';
import type { TimedSamples } from './timed-gets.ts';
import { mixSections } from './mix-report.ts';

const section = (title: string, rows: ReportRow[]): ReportSection => ({ title, rows });

/** A row naming the first wrong answer of a measurement, when it had any. */
const problemRow = (result: TimedSamples): ReportRow[] =>
  result.firstProblem === null ? [] : [['  WRONG', `${result.wrongAnswers} answers; first: ${result.firstProblem}`]];

/** Prints sections as aligned columns, each under `== title ==`. */
export function printSections(sections: ReportSection[]): void {
  for (const { title, columns, rows } of sections) {
    const all = columns ? [['', ...columns], ...rows] : rows;
    // A row's last cell is not padded, so it does not widen its column (a long note stays on its own).
    const widths: number[] = [];
    for (const row of all) row.slice(0, -1).forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
    console.log(`\n== ${title} ==`);
    for (const row of all) console.log(`  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}`);
  }
}

export function targetsSection(targets: TargetCheck[]): ReportSection {
  return {
    title: 'targets',
    columns: ['measured', 'target'],
    rows: targets.map((t) => [`${t.met ? 'met   ' : 'MISSED'} ${t.what}`, t.actual, `${t.target}${t.note ? ` (${t.note})` : ''}`]),
  };
}

export function ingestSections(report: IngestReport): ReportSection[] {
  const { ingest, decodeOnly, parameters } = report;
  const { load, central, freshness } = ingest;
  const mix = ingest.mix;
  const offered = parameters.ingest.offeredSpansPerSecond ? `${int(parameters.ingest.offeredSpansPerSecond)} spans/s offered, ` : '';
  const how = mix ? `the mix through ${mix.agents.length} agents, ${offered}${parameters.ingest.concurrency} concurrent POSTs to each` : `the checkout, ${parameters.ingest.concurrency} concurrent POSTs`;
  const figures = section(
    `ingest (${report.mode}) of ${how} into ${ingest.storeServers ? `ClickHouse (${ingest.storeServers.shards} shards)` : 'DuckDB'}: ${parameters.ingest.seconds} s measured after ${parameters.ingest.warmupSeconds} s warm-up, <= ${parameters.pool.spansPerRequest} spans a POST, ${parameters.ingest.decodeWorkers} decode workers`,
    [
      ['decode-only, 1 thread (decodeOtlpTraces)', `${int(decodeOnly.decode.spansPerSecond)} spans/s  (${decodeOnly.decode.megabytesPerSecond} MB/s of OTLP)`],
      ['protobuf parsing only, 1 thread', `${int(decodeOnly.protobufOnly.spansPerSecond)} spans/s  (${decodeOnly.protobufOnly.megabytesPerSecond} MB/s)`],
      ...(mix
        ? ([
            ['acknowledged by the agents (200 = spooled)', `${int(load.spansPerSecond)} spans/s  (${load.requestsPerSecond} requests/s, ${load.megabytesPerSecond} MB/s of OTLP)`],
            ['stored by central (GET /api/services, before/after)', mix.storedSpansPerSecond === null ? 'n/a' : `${int(mix.storedSpansPerSecond)} spans/s`],
            ['spools emptied after the load', mix.drainSeconds === null ? 'NOT within the limit' : `in ${mix.drainSeconds} s`],
          ] as ReportRow[])
        : ([['end to end (POST answered 200 = stored)', `${int(load.spansPerSecond)} spans/s  (${load.requestsPerSecond} requests/s, ${load.megabytesPerSecond} MB/s)`]] as ReportRow[])),
      ['POST latency p50 / p95 / p99', percentiles(load.postLatencyMs)],
      ['answers by status', Object.entries(load.statusCounts).map(([status, count]) => `${status}: ${int(count)}`).join(', ')],
      ...(load.firstError ? ([['first failure', load.firstError]] as ReportRow[]) : []),
      ['central peak RSS (VmHWM)', mib(central.peakRssBytes)],
      ['cores busy: central / load generator', `${central.coresUsed} / ${central.loadGeneratorCoresUsed} (of ${report.machine.cpus})`],
      ...(ingest.storeServers
        ? ([['clickhouse-server: cores busy / peak RSS', `${ingest.storeServers.coresUsed} / ${mib(ingest.storeServers.peakRssBytes)}`]] as ReportRow[])
        : []),
      ['e2e / (decode-only x machine cores)', String(report.ratios.endToEndOverDecodeOnMachineCores)],
      ['e2e / (decode-only x cores central used)', String(report.ratios.endToEndOverDecodeOnCentralCores)],
      ['stored / acknowledged spans', `${int(ingest.storedSpans)} / ${int(ingest.ackedSpans)}`],
      ['bytes on disk per span', `${ingest.bytesOnDiskPerSpan ?? 'n/a'} (${mib(ingest.bytesOnDisk)} in all)`],
      ...(ingest.bytesOnDiskOverOtlp != null ? ([['  over OTLP bytes received (uncompressed)', `${ingest.bytesOnDiskOverOtlp}x of ${ingest.otlpBytesPerSpan} bytes per span`]] as ReportRow[]) : []),
      ['queryable after POST returned p50/p95/p99', `${percentiles(freshness.visibleAfterMs)}, not found after ack: ${freshness.notFoundAfterAck}, failures: ${freshness.failures}`],
      ['  (probe POST latency p50/p95/p99)', percentiles(freshness.postMs)],
      ...(ingest.serviceMap
        ? ([[`service map over the hour (${ingest.serviceMap.nodes} nodes, ${ingest.serviceMap.edges} edges)`, percentiles(ingest.serviceMap.latencyMs)], ...problemRow(ingest.serviceMap)] as ReportRow[])
        : []),
    ],
  );
  return [figures, ...stagesSections(ingest), ...goodputSections(ingest), ...mixSections(report), targetsSection(report.targets)];
}

/** Central's time per stage over the measured window: where the next bottleneck is. */
function stagesSections({ stages }: IngestReport['ingest']): ReportSection[] {
  if (!stages) return [];
  const requests = `${int(stages.requests.stored)} stored, ${int(stages.requests.shed)} shed, ${int(stages.requests.refused)} refused`;
  return [
    {
      title: `ingest stages over the measured window (${int(stages.spans)} spans acknowledged; ${requests}; worker stages summed over workers, concurrent stages overlap)`,
      columns: ['µs per span', 'share', 'calls'],
      rows: stages.stages.map((s): ReportRow => [s.stage, s.microsPerSpan.toFixed(2), `${(s.share * 100).toFixed(1)} %`, int(s.calls)]),
    },
  ];
}

/** Acknowledged against offered load, open loop: holding at capacity means the acknowledged column stays flat past 1x. */
function goodputSections({ goodput }: IngestReport['ingest']): ReportSection[] {
  if (!goodput) return [];
  return [
    {
      title: `goodput: open-loop load at multiples of the closed-loop ${int(goodput.capacitySpansPerSecond)} spans/s, ${goodput.stepSeconds} s a step, no retries`,
      columns: ['offered spans/s', 'acknowledged spans/s', 'ack / capacity', 'requests: 200 / 503 / other / not sent'],
      rows: goodput.steps.map((step): ReportRow => [
        `${step.multiple}x`,
        int(step.offeredSpansPerSecond),
        int(step.ackedSpansPerSecond),
        (step.ackedSpansPerSecond / Math.max(goodput.capacitySpansPerSecond, 1)).toFixed(2),
        `${int(step.acked)} / ${int(step.shed)} / ${int(step.failed)} / ${int(step.notSent)}${step.firstFailure ? ` (first failure: ${step.firstFailure})` : ''}`,
      ]),
    },
  ];
}

export function querySections(report: QueryReport): ReportSection[] {
  const { store, queries } = report;
  const fill = store.fill.reusedFromCache
    ? `reused from bench/.cache (filled in ${store.fill.seconds} s at ${int(store.fill.spansPerSecond)} spans/s)`
    : `${store.fill.seconds} s, ${int(store.fill.spansPerSecond)} spans/s`;
  const figures = section(`queries at ${int(store.storedSpans)} stored spans (${report.mode}), through central's HTTP API, one request at a time`, [
    ['store fill', fill],
    ['  how', `${store.fill.method}; R = ${store.layout.rounds} rounds`],
    ['bytes on disk per span', `${store.bytesOnDiskPerSpan} (${mib(store.bytesOnDisk)})`],
    ['central peak RSS (VmHWM)', mib(queries.centralPeakRssBytes)],
    ...(queries.startupSeconds !== undefined
      ? ([['central busy after start (timed after)', queries.startupSeconds === null ? 'still busy after 300 s' : `${queries.startupSeconds} s`]] as ReportRow[])
      : []),
    ['trace by id p50 / p95 / p99', `${percentiles(queries.traceById.latencyMs)}, first ${queries.traceById.firstMs} ms`],
    ...queries.searches.flatMap((search): ReportRow[] => [
      [`search ${search.name}`, `${int(search.expectedTotal)} matches by the reference, ${search.tracesReturned} on the page`],
      ['  page', `${percentiles(search.page.latencyMs)}, first ${search.page.firstMs} ms`],
      ...problemRow(search.page),
      [
        '  page + histogram',
        `${percentiles(search.pageAndHistogram.latencyMs)}, first ${search.pageAndHistogram.firstMs} ms, histogram total ${search.pageAndHistogram.histogramTotal === null ? 'none' : int(search.pageAndHistogram.histogramTotal)}`,
      ],
      ...problemRow(search.pageAndHistogram),
    ]),
    ...queries.diagnoses.flatMap((d): ReportRow[] => [
      [`diagnose ${d.name}`, `${percentiles(d.latencyMs)}, first ${d.firstMs} ms`],
      [
        '  compared',
        `${d.counts ? `${int(d.counts.matches)} matches, ${int(d.counts.baseline)} baseline` : 'no counts'}; ${d.contributors} contributors, ${d.findings} findings; top: ${d.topContributor ?? 'none'}`,
      ],
      ...problemRow(d),
    ]),
    ...(queries.metricsQueries ?? []).flatMap((m): ReportRow[] => [[`metrics ${m.name}`, `${percentiles(m.latencyMs)}, first ${m.firstMs} ms, ${int(m.series)} series`], ...problemRow(m)]),
  ]);
  return [figures, targetsSection(report.targets)];
}

export function sdkHopSections(report: SdkHopReport): ReportSection[] {
  const { sdk } = report.parameters;
  const row = (v: SdkHopReport['hop']['variants'][number]): ReportRow => [
    v.variant,
    `${int(v.requestsPerSecond)} requests/s, ${v.cpuMicrosPerRequest} µs CPU/request (+${v.extraCpuMicrosPerRequest}), ${v.spansPerRequest} spans/request` +
      (v.cpuMicrosPerSpan === null ? '' : `, ${v.cpuMicrosPerSpan} µs CPU/span`),
  ];
  const figures = section(
    `SDK hop (${report.mode}): client → server on loopback in one process, ${sdk.concurrency} keep-alive requests in flight, median of ${sdk.rounds} x ${sdk.seconds} s per variant`,
    [
      ...report.hop.variants.map(row),
      ['traced at 100 % / uninstrumented', String(report.ratios.sampled100)],
      ['traced at default sampling / uninstrumented', String(report.ratios.sampledDefault)],
      ['OTLP received by the sink', `${int(report.hop.sink.posts)} POSTs, ${report.hop.sink.megabytes} MB`],
    ],
  );
  return [figures, targetsSection(report.targets)];
}

export function agentSections(report: AgentReport): ReportSection[] {
  const { result, parameters } = report;
  const { freshness } = result.endToEnd;
  const figures = section(
    `agent (${report.mode}): ${parameters.agent.seconds} s measured after ${parameters.agent.warmupSeconds} s warm-up, ${parameters.agent.concurrency} concurrent POSTs of <= ${parameters.pool.spansPerRequest} spans (protobuf)`,
    [
      ['raw: straight to a do-nothing sink', `${int(result.raw.spansPerSecond)} spans/s  (${result.raw.requestsPerSecond} requests/s, ${result.raw.megabytesPerSecond} MB/s)`],
      ['agent: acknowledged (checked, gzip, fsync)', `${int(result.agent.spansPerSecond)} spans/s  (x${report.ratios.acceptedOverRaw} of raw)`],
      ['agent: forwarded to the sink', `${int(result.forwardedSpansPerSecond)} spans/s  (x${report.ratios.forwardedOverRaw} of raw)`],
      ['POST latency p50 / p95 / p99: raw / agent', `${percentiles(result.raw.postLatencyMs)}  /  ${percentiles(result.agent.postLatencyMs)}`],
      ['answers by status (agent)', Object.entries(result.agent.statusCounts).map(([status, count]) => `${status}: ${int(count)}`).join(', ')],
      ...(result.agent.firstError ? ([['first failure', result.agent.firstError]] as ReportRow[]) : []),
      ['spool backlog when the load stopped', `${int(result.spoolBacklogAtEnd)} batches; all forwarded after: ${result.allForwarded}`],
      ['agent peak RSS (VmHWM) / cores busy', `${mib(result.agentPeakRssBytes)} / ${result.agentCoresUsed} (of ${report.machine.cpus})`],
      [`export -> queryable via agent + central (${int(result.endToEnd.loadSpansPerSecond)} spans/s load)`, `${percentiles(freshness.visibleAfterMs)}, failures: ${freshness.failures}`],
      ['  (probe POST to the agent p50/p95/p99)', percentiles(freshness.postMs)],
    ],
  );
  return [figures, targetsSection(report.targets)];
}

export function consoleSections(report: ConsoleReport): ReportSection[] {
  const { result } = report;
  const figures = section(`console (${report.mode}): Debian's Chromium, headless, a fresh page per load, ${result.mapFirstPaintMs?.count ?? 0} loads of each view`, [
    [`map first paint (${result.mapNodes} nodes, ${result.seededTraces} traces seeded), p50 / p95 / p99`, percentiles(result.mapFirstPaintMs)],
    [`${result.waterfallSpans}-span waterfall: API answer -> rows painted`, percentiles(result.waterfallRenderMs)],
    ['  navigation start -> rows painted (central\'s answer included)', percentiles(result.waterfallFromNavigationMs)],
  ]);
  return [figures, targetsSection(report.targets)];
}
