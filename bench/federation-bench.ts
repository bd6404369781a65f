import { loadavg } from 'node:os';
import type { Span } from '@stitch/model';
import {
  expectedPage,
  expectedTrace,
  mapAnswerProblem,
  mapFacts,
  searchAnswerProblem,
  traceAnswerProblem,
  type ExpectedEdge,
  type ExpectedTrace,
  type SearchPageJson,
  type ServiceMapJson,
  type TraceAnswerJson,
} from './federation-checks.ts';
import { startFederatedSetup, startPipelineSetup, type FillResult, type Setup, type SetupName } from './federation-setups.ts';
import { hourOfCheckouts, type HourOfCheckouts } from './federation-traffic.ts';
import { HttpClient } from './http-client.ts';
import { round2, summarizeLatencies } from './latency-stats.ts';
import { Rng } from './otlp-load.ts';
import { peakRssBytes } from './proc-stats.ts';
import type { TimedSamples } from './timed-gets.ts';

// Federated mode against pipeline mode on the same hour of checkout traffic (federation-traffic.ts),
// both set up on loopback (federation-setups.ts). Every query is timed through central's HTTP API,
// one request at a time, alternately on the pipeline central and on the federated one, after a
// warm-up of both. Every answer is checked: a trace's spans against those sent, a search's page against
// the reference evaluator, the service map against the spans' call count and the other mode's map.

export interface FederationSpec {
  /** Checkout traces over the hour (~17 spans each, in five accounts). */
  traces: number;
  seed: number;
  traceByIdSamples: number;
  mapSamples: number;
  searchSamples: number;
  /** The pipeline central's decode worker threads. */
  decodeWorkers: number;
}

const SEARCH_LIMIT = 20;
/** The on-call's searches: everything, Stripe's slow calls, slow checkouts. */
const SEARCHES = ['', 'service("payments") { duration > 1 }', 'duration > 8', 'service("checkout-orchestrator") AND duration > 8'];
/** A cross-account call whose count the map must equal: checkout's charges to payments. */
const CHECKED_EDGE = { caller: 'checkout-orchestrator', callee: 'payments', spanName: 'POST /charges' };
const WARMUP = { traces: 20, maps: 3, searches: 2 };

export interface QueryTimings {
  name: string;
  query: string;
  pipeline: TimedSamples;
  federated: TimedSamples;
  /** Federated over pipeline, of p50 and of p99. */
  ratio: { p50: number | null; p99: number | null };
}

export interface FederationResult {
  traffic: { traces: number; spans: number; slowTraces: number; accounts: string[]; window: { startMs: number; endMs: number } };
  fill: Record<SetupName, FillResult>;
  bytesOnDisk: Record<SetupName, number>;
  map: { nodes: number; edges: number; checkedEdge: ExpectedEdge };
  searches: Array<{ q: string; matches: number }>;
  queries: QueryTimings[];
  /** Peak RSS (VmHWM) of each central process, over its fill and the queries. */
  centralPeakRssBytes: Record<SetupName, number>;
  /** This process: the five federated agents, the generated spans and the load. */
  benchPeakRssBytes: number;
  agentLog: { lines: number; first: string[] };
  /** The machine's 1-minute load average when the queries began and when they ended (other work may share it). */
  loadAverage: { queriesStart: number; queriesEnd: number };
  /** Answers that were wrong or differed between the modes (the phase fails when any). */
  mismatches: string[];
}

const SETUPS: readonly SetupName[] = ['pipeline', 'federated'];

/**
 * GETs each path on both centrals, alternately (pipeline, then federated), one request at a
 * time, so that other work on the machine weighs on both alike; `problemOf` says what is wrong
 * with an answer (null: nothing).
 */
async function timeAlternately<T>(
  clients: Record<SetupName, HttpClient>,
  paths: readonly string[],
  problemOf: (status: number, json: T | null, i: number) => string | null,
): Promise<Record<SetupName, TimedSamples & { last: T | null }>> {
  const runs = SETUPS.map(() => ({ latencies: [] as number[], wrongAnswers: 0, firstProblem: null as string | null, last: null as T | null }));
  for (const [i, path] of paths.entries()) {
    for (const [s, name] of SETUPS.entries()) {
      const run = runs[s]!;
      const answer = await clients[name].getJson<T>(path);
      run.latencies.push(answer.ms);
      run.last = answer.json;
      const problem = problemOf(answer.status, answer.json, i);
      if (problem === null) continue;
      run.wrongAnswers++;
      run.firstProblem ??= problem;
    }
  }
  const [pipeline, federated] = runs.map(({ latencies, ...run }) => ({ latencyMs: summarizeLatencies(latencies), firstMs: round2(latencies[0] ?? NaN), ...run }));
  return { pipeline: pipeline!, federated: federated! };
}

const ratio = (federated: number | undefined, pipeline: number | undefined) => (federated === undefined || pipeline === undefined || pipeline === 0 ? null : round2(federated / pipeline));

function timings(name: string, query: string, both: Record<SetupName, TimedSamples & { last: unknown }>): QueryTimings {
  const [{ last: _p, ...pipeline }, { last: _f, ...federated }] = [both.pipeline, both.federated];
  return { name, query, pipeline, federated, ratio: { p50: ratio(federated.latencyMs?.p50, pipeline.latencyMs?.p50), p99: ratio(federated.latencyMs?.p99, pipeline.latencyMs?.p99) } };
}

function sampleTraces(traces: readonly Span[][], count: number, rng: Rng): ExpectedTrace[] {
  return Array.from({ length: count }, () => expectedTrace(traces[Math.floor(rng.next() * traces.length)]!));
}

export async function runFederationBench(spec: FederationSpec, progress: (message: string) => void): Promise<FederationResult> {
  progress(`federation: generating ~${spec.traces.toLocaleString('en-US')} checkout traces over one hour (seed ${spec.seed})`);
  let traffic: HourOfCheckouts | null = hourOfCheckouts(spec.traces, spec.seed);
  const { window, accounts, spanCount, slowTraces } = traffic;
  const traceCount = traffic.traces.length;
  progress(`federation: ${traceCount.toLocaleString('en-US')} traces, ${spanCount.toLocaleString('en-US')} spans, ${slowTraces} slow, in ${accounts.length} accounts`);

  // The reference answers, worked out before anything is timed.
  const searches = SEARCHES.map((q) => ({ q, expected: expectedPage(traffic!.traces, q, window, SEARCH_LIMIT) }));
  const [startNs, endNs] = [BigInt(window.startMs) * 1_000_000n, BigInt(window.endMs) * 1_000_000n];
  const checkedEdge: ExpectedEdge = {
    caller: CHECKED_EDGE.caller,
    callee: CHECKED_EDGE.callee,
    requests: traffic.traces.flat().filter((s) => s.kind === 'client' && s.name === CHECKED_EDGE.spanName && s.startTimeUnixNano >= startNs && s.startTimeUnixNano < endNs).length,
  };
  const rng = new Rng(spec.seed + traceCount);
  const warmupTraces = sampleTraces(traffic.traces, WARMUP.traces, rng);
  const measuredTraces = sampleTraces(traffic.traces, spec.traceByIdSamples, rng);

  const setups: Setup[] = [];
  const clients: HttpClient[] = [];
  try {
    progress('federation: pipeline mode: filling central with every span');
    const pipeline = await startPipelineSetup(traffic.traces, accounts, spanCount, spec.decodeWorkers, progress);
    setups.push(pipeline);
    progress(`federation: pipeline filled in ${pipeline.fill.seconds} s; federated mode: filling the five agents`);
    const federated = await startFederatedSetup(traffic.traces, accounts, spanCount, spec.decodeWorkers, progress);
    setups.push(federated);
    progress(`federation: federated filled in ${federated.fill.seconds} s`);
    // The agents run in this process: they should not answer reads while its heap still holds every generated span.
    traffic = null;

    const client = { pipeline: new HttpClient(pipeline.url, 1), federated: new HttpClient(federated.url, 1) };
    clients.push(client.pipeline, client.federated);
    const mapPath = `/api/service-map?start=${window.startMs}&end=${window.endMs}`;
    const searchPath = (q: string) => `/api/traces?${new URLSearchParams({ start: String(window.startMs), end: String(window.endMs), limit: String(SEARCH_LIMIT), ...(q === '' ? {} : { q }) }).toString()}`;
    const tracePath = (trace: ExpectedTrace) => `/api/traces/${trace.traceId}`;
    const times = (path: string, count: number) => Array.from({ length: count }, () => path);
    const mismatches: string[] = [];
    const collect = (what: string, both: Record<SetupName, TimedSamples>) => {
      for (const name of SETUPS) if (both[name].firstProblem) mismatches.push(`${what}, ${name}: ${both[name].wrongAnswers} wrong; first: ${both[name].firstProblem}`);
    };

    const queriesStart = round2(loadavg()[0]!);
    progress(`federation: warm-up of both: ${WARMUP.traces} traces by id, ${WARMUP.maps} maps, ${WARMUP.searches} of each search`);
    collect('warm-up, trace by id', await timeAlternately<TraceAnswerJson>(client, warmupTraces.map(tracePath), (status, json, i) => traceAnswerProblem(status, json, warmupTraces[i]!)));
    const warmMaps = await timeAlternately<ServiceMapJson>(client, times(mapPath, WARMUP.maps), (status, json) => mapAnswerProblem(status, json, checkedEdge, null));
    collect('warm-up, service map', warmMaps);
    for (const { q, expected } of searches) {
      collect(`warm-up, search ${q}`, await timeAlternately<SearchPageJson>(client, times(searchPath(q), WARMUP.searches), (status, json) => searchAnswerProblem(status, json, expected)));
    }
    // The pipeline map is the reference for every later map's counts and latency statistics, the federated ones' above all.
    const referenceMap = warmMaps.pipeline.last;
    const referenceFacts = referenceMap ? mapFacts(referenceMap) : null;

    progress(`federation: ${spec.traceByIdSamples} traces by id on each`);
    const queries = [
      timings('trace by id', '/api/traces/{id}', await timeAlternately<TraceAnswerJson>(client, measuredTraces.map(tracePath), (status, json, i) => traceAnswerProblem(status, json, measuredTraces[i]!))),
    ];
    progress(`federation: ${spec.mapSamples} service maps over the hour on each`);
    queries.push(timings('service map, the hour', mapPath, await timeAlternately<ServiceMapJson>(client, times(mapPath, spec.mapSamples), (status, json) => mapAnswerProblem(status, json, checkedEdge, referenceFacts))));
    for (const { q, expected } of searches) {
      progress(`federation: ${spec.searchSamples} searches ${q === '' ? '(no filter)' : q} on each`);
      const timed = await timeAlternately<SearchPageJson>(client, times(searchPath(q), spec.searchSamples), (status, json) => searchAnswerProblem(status, json, expected));
      queries.push(timings(`search, ${q === '' ? 'no filter' : q}`, searchPath(q), timed));
    }
    for (const query of queries) collect(query.name, query);

    const agentLog = [...pipeline.agentLog, ...federated.agentLog];
    return {
      traffic: { traces: traceCount, spans: spanCount, slowTraces, accounts: accounts.map((a) => a.label), window },
      fill: { pipeline: pipeline.fill, federated: federated.fill },
      bytesOnDisk: { pipeline: pipeline.bytesOnDisk, federated: federated.bytesOnDisk },
      map: { nodes: referenceMap?.nodes?.length ?? 0, edges: referenceMap?.edges?.length ?? 0, checkedEdge },
      searches: searches.map(({ q, expected }) => ({ q, matches: expected.total })),
      queries,
      centralPeakRssBytes: { pipeline: peakRssBytes(pipeline.centralPid), federated: peakRssBytes(federated.centralPid) },
      benchPeakRssBytes: process.resourceUsage().maxRSS * 1024,
      agentLog: { lines: agentLog.length, first: agentLog.slice(0, 5) },
      loadAverage: { queriesStart, queriesEnd: round2(loadavg()[0]!) },
      mismatches,
    };
  } finally {
    for (const client of clients) client.close();
    for (const setup of setups.reverse()) await setup.stop();
  }
}
