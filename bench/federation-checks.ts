import { summarizeTrace, type Span } from '@stitch/model';
import { parseFilter, traceMatches } from '@stitch/query';
import type { TraceSummaryJson } from './search-cases.ts';

// What the federation phase's answers must be, worked out from the generated spans (a trace's
// spans, a search's page) or from the other mode (the service map, whose counts the spans alone
// do not give). Pure: every check returns what is wrong, or null.

/** An answer's `partial` field: an account missing, or a bound the read stopped at. */
interface MaybePartial {
  partial?: unknown;
}

export interface TraceAnswerJson extends MaybePartial {
  spans?: Array<{ spanId: string; name: string; startTimeUnixNano: string; endTimeUnixNano: string; account: { id: string } }>;
}

export interface SearchPageJson extends MaybePartial {
  traces?: TraceSummaryJson[];
}

interface MapStatsJson {
  requests: number;
}

export interface ServiceMapJson extends MaybePartial {
  nodes?: Array<{ id: string; service: string; inferred: unknown; stats: MapStatsJson; rootEntries?: unknown }>;
  edges?: Array<{ from: string; to: string; connection?: unknown; stats: MapStatsJson }>;
}

const partialOf = (json: MaybePartial | null) => (json?.partial === undefined ? null : `partial: ${JSON.stringify(json.partial).slice(0, 300)}`);

/** The spans of a trace as identity, name and times, in one order: two answers with the same spans have the same fingerprint. */
export function spanFingerprint(spans: ReadonlyArray<{ spanId: string; name: string; startTimeUnixNano: bigint | string; endTimeUnixNano: bigint | string; account: { id: string } }>): string {
  return spans
    .map((span) => `${span.account.id}/${span.spanId}/${span.name}/${span.startTimeUnixNano}/${span.endTimeUnixNano}`)
    .sort()
    .join('\n');
}

export interface ExpectedTrace {
  traceId: string;
  spanCount: number;
  accounts: number;
  fingerprint: string;
}

export function expectedTrace(spans: readonly Span[]): ExpectedTrace {
  return { traceId: spans[0]!.traceId, spanCount: spans.length, accounts: new Set(spans.map((span) => span.account.id)).size, fingerprint: spanFingerprint(spans) };
}

/** GET /api/traces/{id}: every span of the trace, from every account, as generated. */
export function traceAnswerProblem(status: number, json: TraceAnswerJson | null, expected: ExpectedTrace): string | null {
  if (status !== 200) return `trace ${expected.traceId}: status ${status}`;
  const partial = partialOf(json);
  if (partial) return `trace ${expected.traceId}: ${partial}`;
  const spans = json?.spans ?? [];
  if (spans.length !== expected.spanCount) return `trace ${expected.traceId}: ${spans.length} spans, ${expected.spanCount} sent`;
  const accounts = new Set(spans.map((span) => span.account.id)).size;
  if (accounts !== expected.accounts) return `trace ${expected.traceId}: spans of ${accounts} accounts, ${expected.accounts} expected`;
  if (spanFingerprint(spans) !== expected.fingerprint) return `trace ${expected.traceId}: the spans differ from those sent (ids, names or times)`;
  return null;
}

export interface ExpectedPage {
  total: number;
  /** The newest `limit` matches: trace id and start (ns, decimal). */
  page: Array<{ traceId: string; start: string }>;
}

/** The newest `limit` traces starting in the window that match `q` ('' : every trace), by the reference evaluator. */
export function expectedPage(traces: readonly Span[][], q: string, window: { startMs: number; endMs: number }, limit: number): ExpectedPage {
  const filter = q === '' ? null : parseFilter(q);
  const [startNs, endNs] = [BigInt(window.startMs) * 1_000_000n, BigInt(window.endMs) * 1_000_000n];
  const matches = traces
    .map((spans) => ({ spans, summary: summarizeTrace(spans)! }))
    .filter(({ spans, summary }) => summary.startTimeUnixNano >= startNs && summary.startTimeUnixNano < endNs && (filter === null || traceMatches(filter, spans)))
    .map(({ summary }) => summary)
    .sort((a, b) => (a.startTimeUnixNano === b.startTimeUnixNano ? a.traceId.localeCompare(b.traceId) : a.startTimeUnixNano > b.startTimeUnixNano ? -1 : 1));
  return { total: matches.length, page: matches.slice(0, limit).map((summary) => ({ traceId: summary.traceId, start: summary.startTimeUnixNano.toString() })) };
}

/** GET /api/traces: the reference's page, in its order. */
export function searchAnswerProblem(status: number, json: SearchPageJson | null, expected: ExpectedPage): string | null {
  if (status !== 200) return `status ${status}`;
  const partial = partialOf(json);
  if (partial) return partial;
  const traces = json?.traces;
  if (!traces) return 'no traces in the answer';
  if (traces.length !== expected.page.length) return `${traces.length} traces on the page, the reference has ${expected.page.length} (of ${expected.total} matches)`;
  const differs = traces.findIndex((trace, i) => trace.traceId !== expected.page[i]!.traceId || trace.startTimeUnixNano !== expected.page[i]!.start);
  if (differs >= 0) return `page entry ${differs + 1} is ${traces[differs]!.traceId}, the reference's is ${expected.page[differs]!.traceId}`;
  return null;
}

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

/** What a map says, without its example traces (a sample, which may differ): nodes and edges with their counts and latency statistics. */
export function mapFacts(json: ServiceMapJson): string {
  const nodes = (json.nodes ?? []).map((n) => ({ id: n.id, stats: n.stats, rootEntries: n.rootEntries ?? null })).sort(byId);
  const edges = (json.edges ?? []).map((e) => ({ id: `${e.from}>${e.to}`, connection: e.connection ?? null, stats: e.stats })).sort(byId);
  return JSON.stringify({ nodes, edges });
}

/** The calls from `caller` to `callee` the map counts (null: no such edge). */
export function edgeRequests(json: ServiceMapJson, caller: string, callee: string): number | null {
  const idOf = (service: string) => json.nodes?.find((node) => node.service === service && node.inferred === null)?.id;
  const [from, to] = [idOf(caller), idOf(callee)];
  return json.edges?.find((edge) => edge.from === from && edge.to === to)?.stats.requests ?? null;
}

/** A call the map must count, with how many of them the spans hold. */
export interface ExpectedEdge {
  caller: string;
  callee: string;
  requests: number;
}

/**
 * GET /api/service-map: complete, and counting every call of `edge`; `facts`, when given (the
 * other mode's map, or the first answer), must be this map's too.
 */
export function mapAnswerProblem(status: number, json: ServiceMapJson | null, edge: ExpectedEdge, facts: string | null): string | null {
  if (status !== 200) return `status ${status}`;
  const partial = partialOf(json);
  if (partial) return partial;
  if (!json?.edges?.length) return 'no edges in the map';
  const requests = edgeRequests(json, edge.caller, edge.callee);
  if (requests !== edge.requests) return `${edge.caller} -> ${edge.callee}: ${requests ?? 'no edge'} requests, the spans hold ${edge.requests} calls`;
  if (facts !== null && mapFacts(json) !== facts) return 'nodes or edges (counts, latency statistics) differ from the other answer';
  return null;
}
