import { ApiError, sendBytes, sendJson } from '@stitch/http';
import { FilterSyntaxError, INTRINSIC_NAMES, matchedSpans, parseFilter, type FilterExpr } from '@stitch/query';
import { asMessageField, otlpProtobufAsProtoJson, spansToOtlpProtobuf } from '@stitch/wire';
import type { Route, RouteCall } from '../../http/route.ts';
import type { ReadViews } from '../read-views.ts';
import { searchTags, tagValues } from '../discovery/discovery-routes.ts';
import { metricsQueryRange } from '../metrics/metrics-query-route.ts';
import { bothOf, parseSearch } from '../traces/trace-routes.ts';
import { logfmtFilter } from './logfmt-filter.ts';
import { queryRangeJson, tagsV1, tagsV2, tagValuesV2, TEMPO_SCOPES, traceSearchMetadata, type TempoScope } from './tempo-json.ts';

/** Stitch's version, as the Tempo API's build info reports it. */
export const STITCH_VERSION = '0.1.0';

/** What the Tempo API reports of itself (GET /api/status/buildinfo): Stitch, not a Tempo release. */
export interface TempoBuildInfo {
  version: string;
}

const DEFAULT_SPANS_PER_SET = 3;
const MAX_SPANS_PER_SET = 100;
const HOUR_SECONDS = 3_600;
/** A TraceQL metrics query without a window: the last hour, as Tempo's `since` default. */
const DEFAULT_SINCE = '1h';

/**
 * Tempo's HTTP query API on its own port (`--tempo-port`: Tempo's paths, /api/search and
 * /api/traces among them, overlap central's own API), so that Grafana's Tempo data source
 * (and any Tempo client) reads Stitch: each call is Stitch's own read (search, trace, discovery,
 * metrics query) with Tempo's parameters and answered in Tempo's shapes (tempo-json.ts). The
 * caller's credential decides what it sees, as on central's API.
 */
export function tempoRoutes(views: ReadViews, now: () => number, build: TempoBuildInfo): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/echo',
      access: 'health',
      handle: async ({ res }) => {
        sendBytes(res, 200, 'text/plain; charset=utf-8', Buffer.from('echo'));
        return undefined;
      },
    },
    {
      method: 'GET',
      path: '/api/status/buildinfo',
      access: 'health',
      handle: async () => ({ version: build.version, revision: '', branch: '', buildUser: 'stitch', buildDate: '', goVersion: 'none (Stitch is TypeScript)' }),
    },
    { method: 'GET', path: '/api/traces/:traceId', access: 'read', handle: (call) => traceById(views, call, 'v1') },
    { method: 'GET', path: '/api/v2/traces/:traceId', access: 'read', handle: (call) => traceById(views, call, 'v2') },
    {
      method: 'GET',
      path: '/api/search',
      access: 'read',
      handle: ({ who, query }) =>
        views.answer(who, async (reads) => {
          const { search, filter, spansPerSet } = searchOf(query, now());
          const summaries = await reads.searchTraces(search);
          const traces = filter ? await reads.getTraces(summaries.map((summary) => summary.traceId)) : null;
          return {
            traces: summaries.map((summary) => traceSearchMetadata(summary, filter ? matchedSpans(filter, traces!.get(summary.traceId) ?? []) : null, spansPerSet)),
            metrics: { inspectedTraces: summaries.length, completedJobs: 1, totalJobs: 1 },
          };
        }),
    },
    {
      method: 'GET',
      path: '/api/search/tags',
      access: 'read',
      handle: ({ who, query }) =>
        views.answerFromOwnStore(who, async (side) => {
          const scope = scopeOf(query);
          if (scope === 'instrumentation') return { tagNames: [] };
          // Without a scope, Tempo's first call answers resource and span attributes.
          return tagsV1((await searchTags(side, tagParams(query, scope), now())), scope === null ? ['resource', 'span'] : [scope]);
        }),
    },
    {
      method: 'GET',
      path: '/api/v2/search/tags',
      access: 'read',
      handle: ({ who, query }) =>
        views.answerFromOwnStore(who, async (side) => {
          const scope = scopeOf(query);
          if (scope === 'instrumentation') return { scopes: [{ name: 'instrumentation', tags: [] }] };
          return tagsV2((await searchTags(side, tagParams(query, scope), now())), scope);
        }),
    },
    {
      method: 'GET',
      path: '/api/search/tag/:tag/values',
      access: 'read',
      // Tempo's first values call names an attribute bare (`service.name`): span or resource.
      handle: ({ who, params, query }) =>
        views.answerFromOwnStore(who, async (side) => {
          const name = (INTRINSIC_NAMES as readonly string[]).includes(params.tag!) ? params.tag! : `.${params.tag!}`;
          const found = (await tagValues(side, name, valueParams(query), now()));
          return { tagValues: found.values.map(({ value }) => String(value)) };
        }),
    },
    {
      method: 'GET',
      path: '/api/v2/search/tag/:tag/values',
      access: 'read',
      handle: ({ who, params, query }) => views.answerFromOwnStore(who, async (side) => tagValuesV2((await tagValues(side, params.tag!, valueParams(query), now())))),
    },
    {
      method: 'GET',
      path: '/api/metrics/query_range',
      access: 'read',
      // A scoped reader's view of the gaps is the view's own: read once the series are built.
      handle: ({ who, query }) => views.answerFromOwnStore(who, async (side, { coverage }) => queryRangeJson(await metricsQueryRange(side, metricsParams(query, now()), now(), coverage), coverage.json())),
    },
  ];
}

/**
 * GET /api/traces/{id} and /api/v2/traces/{id}: the trace as OTLP, protobuf when the Accept
 * header asks for it (tempopb.Trace, which OTLP's export request matches on the wire; v2 wraps
 * it as TraceByIDResponse.trace), else JSON: v1 `{ batches }`, v2 `{ trace: { resourceSpans } }`.
 * An unknown trace is a 404 with no body, as Tempo answers (Grafana then says "not found").
 */
async function traceById(views: ReadViews, { who, params, req, res }: RouteCall, version: 'v1' | 'v2'): Promise<undefined> {
  const traceId = tempoTraceId(params.traceId!);
  let protobuf: Uint8Array | null = null;
  await views.answer(who, async (reads) => {
    const spans = await reads.getTrace(traceId);
    if (spans.length > 0) protobuf = spansToOtlpProtobuf(spans);
    return {};
  });
  if (protobuf === null) {
    res.writeHead(404, { 'content-length': 0 });
    res.end();
    return undefined;
  }
  const trace: Uint8Array = protobuf;
  if (/application\/(x-)?protobuf/.test(req.headers.accept ?? '')) {
    sendBytes(res, 200, 'application/protobuf', version === 'v1' ? trace : asMessageField(1, trace));
    return undefined;
  }
  const { resourceSpans = [] } = otlpProtobufAsProtoJson(trace) as { resourceSpans?: unknown[] };
  sendJson(res, 200, version === 'v1' ? { batches: resourceSpans } : { trace: { resourceSpans } });
  return undefined;
}

/** Up to 32 hex digits, any case; shorter ids (64-bit ones) padded with zeros on the left, as Tempo reads them. */
function tempoTraceId(text: string): string {
  if (!/^[0-9a-fA-F]{1,32}$/.test(text) || /^0+$/.test(text)) throw new ApiError(400, `traceId: "${text.slice(0, 40)}" is not a trace id (up to 32 hex digits, not all zero)`);
  return text.toLowerCase().padStart(32, '0');
}

/** Tempo's `start`/`end` on search and tags: unix seconds, as Tempo takes them (nanoseconds are refused there too). */
function secondsParam(query: URLSearchParams, name: 'start' | 'end'): string | null {
  const text = query.get(name);
  if (text === null || text === '') return null;
  if (!/^\d{1,10}$/.test(text)) throw new ApiError(400, `${name}: "${text.slice(0, 40)}" is not a time in unix seconds`);
  return String(Number(text) * 1000);
}

/** Stitch's window parameters (unix ms) from Tempo's (unix seconds). */
function windowParams(query: URLSearchParams): URLSearchParams {
  const params = new URLSearchParams();
  const start = secondsParam(query, 'start');
  const end = secondsParam(query, 'end');
  if (end !== null) params.set('end', end);
  if (start !== null) params.set('start', start);
  return params;
}

/** GET /api/search's parameters: `q` (TraceQL) or `tags` (logfmt), durations, limit, window, spans per span set. */
function searchOf(query: URLSearchParams, nowMs: number): { search: ReturnType<typeof parseSearch>; filter: FilterExpr | null; spansPerSet: number } {
  const q = query.get('q')?.trim() ?? '';
  const tags = query.get('tags')?.trim() ?? '';
  if (q !== '' && tags !== '') throw new ApiError(400, 'q: give q (TraceQL) or tags (logfmt), not both');
  const params = windowParams(query);
  if (q !== '') params.set('q', q);
  for (const name of ['minDuration', 'maxDuration', 'limit'] as const) {
    const value = query.get(name);
    if (value !== null && value !== '') params.set(name, value);
  }
  if (params.get('limit') === '0') throw new ApiError(400, 'limit: must be at least 1');
  const search = parseSearch(params, nowMs);
  const tagFilter = tags === '' ? undefined : logfmtFilter(tags);
  const filter = bothOf(search.filter, tagFilter);
  if (filter) search.filter = filter;
  return { search, filter: q === '' ? null : (search.filter ?? null), spansPerSet: spansPerSetOf(query.get('spss')) };
}

function spansPerSetOf(text: string | null): number {
  if (text === null || text === '') return DEFAULT_SPANS_PER_SET;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > MAX_SPANS_PER_SET) throw new ApiError(400, `spss: "${text.slice(0, 20)}" is not a whole number from 1 to ${MAX_SPANS_PER_SET}`);
  return value;
}

function scopeOf(query: URLSearchParams): TempoScope | null {
  const scope = query.get('scope');
  if (scope === null || scope === '') return null;
  if (!(TEMPO_SCOPES as readonly string[]).includes(scope)) throw new ApiError(400, `scope: "${scope.slice(0, 40)}" is not a scope (${TEMPO_SCOPES.join(', ')})`);
  return scope as TempoScope;
}

/** Tag names' parameters: the window, the limit, the scope. */
function tagParams(query: URLSearchParams, scope: TempoScope | null): URLSearchParams {
  const params = windowParams(query);
  const limit = query.get('limit');
  if (limit !== null && limit !== '') params.set('limit', limit);
  if (scope !== null) params.set('scope', scope);
  return params;
}

/** Tag values' parameters: the window, the limit, and `q` when it is one `{ }` (Tempo ignores a `q` it cannot use, and so does this). */
function valueParams(query: URLSearchParams): URLSearchParams {
  const params = windowParams(query);
  const limit = query.get('limit');
  if (limit !== null && limit !== '') params.set('limit', limit);
  const q = query.get('q')?.trim().replace(/^"(.*)"$/s, '$1') ?? '';
  if (q !== '' && usableSpanCondition(q)) params.set('q', q);
  return params;
}

function usableSpanCondition(q: string): boolean {
  try {
    return parseFilter(q).type === 'spanSet';
  } catch (error) {
    if (error instanceof FilterSyntaxError) return false;
    throw error;
  }
}

/** TraceQL metrics parameters: `q` (or `query`), `start`/`end` in seconds, nanoseconds or RFC 3339, `since`, `step` (a bare number is seconds). */
function metricsParams(query: URLSearchParams, nowMs: number): URLSearchParams {
  const params = new URLSearchParams();
  const q = query.get('q') ?? query.get('query');
  if (q !== null) params.set('q', q);
  const end = query.get('end') ? metricsTime('end', query.get('end')!) : nowMs;
  const start = query.get('start') ? metricsTime('start', query.get('start')!) : end - sinceMs(query.get('since') ?? DEFAULT_SINCE);
  params.set('start', String(start));
  params.set('end', String(end));
  const step = query.get('step');
  if (step !== null && step !== '') params.set('step', /^\d+(\.\d+)?$/.test(step) ? `${step}s` : step);
  return params;
}

/** Unix seconds (10 digits or fewer, or with a fraction), nanoseconds (more digits), or RFC 3339: as ms. */
function metricsTime(name: string, text: string): number {
  if (/^\d+\.\d+$/.test(text)) return Math.round(Number(text) * 1000);
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  if (/^\d{11,19}$/.test(text)) return Number(BigInt(text) / 1_000_000n);
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) throw new ApiError(400, `${name}: "${text.slice(0, 40)}" is not unix seconds, unix nanoseconds or an RFC 3339 time`);
  return parsed;
}

/** `since` as Tempo takes it: a duration such as 15m, 3h, 1h30m. */
function sinceMs(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) throw new ApiError(400, `since: "${text.slice(0, 40)}" is not a duration (15m, 3h, 1h30m)`);
  const unit: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: HOUR_SECONDS * 1_000, d: 24 * HOUR_SECONDS * 1_000 };
  return parts.reduce((total, part) => total + Number(part[1]) * unit[part[2]!]!, 0);
}
