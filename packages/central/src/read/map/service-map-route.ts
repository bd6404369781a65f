import type { PropagationJson, ServiceMapAnswer, WindowedMap } from '@stitch/api';
import { buildServiceMap, DEFAULT_HEALTH, type GraphRecord, type HealthThresholds, type ServiceMap } from '@stitch/graph';
import { ApiError } from '@stitch/http';
import type { TraceReads } from '@stitch/store';
import { z } from 'zod';
import { recordsOfWindow } from './map-window.ts';
import type { ObservedSince } from './observed-since.ts';
import { parseTime } from '../params.ts';

const rate = z.number().min(0).max(1);
const healthSchema = z
  .object({ yellowFaultRate: rate, redFaultRate: rate, yellowErrorRate: rate, yellowThrottleRate: rate, yellowP99Ms: z.number().positive().nullable() })
  .partial()
  .strict();

/** `--health '{"redFaultRate": 0.1, "yellowP99Ms": 2000}'`: the map's health thresholds, the rest at their defaults. */
export function parseHealthThresholds(text: string): HealthThresholds {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('health: not JSON (example: {"redFaultRate": 0.1, "yellowP99Ms": 2000})');
  }
  const parsed = healthSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`health${issue.path.length > 0 ? `.${issue.path.join('.')}` : ''}: ${issue.message}`);
  }
  const { yellowP99Ms, ...rates } = parsed.data;
  return {
    ...DEFAULT_HEALTH,
    ...rates,
    ...(yellowP99Ms === undefined ? {} : { yellowP99Nanos: yellowP99Ms === null ? null : BigInt(Math.round(yellowP99Ms * 1e6)) }),
  };
}

const MINUTE_MS = 60_000;
const MAX_WINDOW_MS = 7 * 24 * 60 * MINUTE_MS;
const DEFAULT_WINDOW_MS = 15 * MINUTE_MS;
const MAP_PARAMS = new Set(['start', 'end', 'account']);

function parseWindow(params: URLSearchParams, nowMs: number): { startMs: number; endMs: number } {
  for (const key of params.keys()) if (!MAP_PARAMS.has(key)) throw new ApiError(400, `${key}: unknown parameter (known: ${[...MAP_PARAMS].join(', ')})`);
  const endMs = params.get('end') ? Number(parseTime('end', params.get('end')!) / 1_000_000n) : nowMs;
  const startMs = params.get('start') ? Number(parseTime('start', params.get('start')!) / 1_000_000n) : endMs - DEFAULT_WINDOW_MS;
  if (startMs >= endMs) throw new ApiError(400, 'start: must be before end');
  if (endMs - startMs > MAX_WINDOW_MS) throw new ApiError(400, 'start: the window may span at most 7 days');
  return { startMs, endMs };
}

/** What a map's window is cut against: the clock, how far the map is settled, since when data is known. */
export interface MapClock {
  now: () => number;
  /** Spans received before this (unix ms) are counted and written (ServiceGraphFeed.settledThroughMs). */
  settledThroughMs: () => number;
  observedSince: ObservedSince;
}

/** What a reader may see of the map's records (a scoped reader's accounts: ScopedReads.visibleGraphRecords). */
export type RecordsFilter = (records: GraphRecord[]) => GraphRecord[];

async function mapOf(store: TraceReads, params: URLSearchParams, clock: MapClock, health: HealthThresholds, visible: RecordsFilter | undefined): Promise<WindowedMap> {
  const nowMs = clock.now();
  const asked = parseWindow(params, nowMs);
  const settledThroughMs = clock.settledThroughMs();
  const [{ window, records, exact }, observedFromMs] = await Promise.all([recordsOfWindow(store, asked, settledThroughMs, nowMs, visible), clock.observedSince.of(store)]);
  // Rates are of the time observed: a window reaching back before the first span is not averaged
  // over nothing, nor one reaching past now over the future.
  const observedSeconds = observedFromMs === null ? 0 : Math.max(0, Math.min(window.endMs, nowMs) - Math.max(window.startMs, observedFromMs)) / 1000;
  const map = { ...buildServiceMap(records, { ...window, observedSeconds }, health), askedStartMs: asked.startMs, askedEndMs: asked.endMs, observedFromMs, settledThroughMs, exact };
  const account = params.get('account');
  return account ? narrowToAccount(map, account) : map;
}

/** An account's nodes (by id or label), the nodes they talk to, and the edges between them. */
function narrowToAccount<Map extends ServiceMap>(map: Map, account: string): Map {
  const own = new Set(map.nodes.filter((n) => n.inferred === null && (n.account === account || n.accountLabel === account)).map((n) => n.id));
  const edges = map.edges.filter((e) => own.has(e.from) || own.has(e.to));
  const kept = new Set([...own, ...edges.flatMap((e) => [e.from, e.to])]);
  return {
    ...map,
    nodes: map.nodes.filter((n) => kept.has(n.id)),
    edges,
    propagation: map.propagation.filter((p) => own.has(p.to) || (p.from !== null && own.has(p.from))),
  };
}

/** Each node and edge also says how to list its traces: `GET /api/traces?q=…&account=…` over the same window. */
function withTraceQueries(map: WindowedMap): ServiceMapAnswer {
  const nodes = new Map(map.nodes.map((n) => [n.id, n]));
  const window = { start: String(map.startMs), end: String(map.endMs) };
  return {
    ...map,
    nodes: map.nodes.map((n) => ({ ...n, traces: { q: n.query, ...(n.inferred === null ? { account: n.account } : {}), ...window } })),
    edges: map.edges.map((e) => ({ ...e, traces: { q: e.query, account: nodes.get(e.from)!.account, ...window } })),
  };
}

/**
 * GET /api/service-map?start=&end=&account= : nodes (account, service; inferred peers), edges
 * (sync and async), each with requests/s, p50/p95/p99 from merged histograms, error, fault and
 * throttle counts and rates, health, and the traces query; plus the broken-propagation report.
 * Default window: the last 15 minutes; at most 7 days. Counts are of exactly the window answered.
 */
export async function serviceMap(store: TraceReads, params: URLSearchParams, clock: MapClock, health: HealthThresholds = DEFAULT_HEALTH, visible?: RecordsFilter): Promise<ServiceMapAnswer> {
  return withTraceQueries(await mapOf(store, params, clock, health, visible));
}

/** GET /api/propagation?start=&end=&account= : where trace context is lost, worst first. */
export async function propagationReport(store: TraceReads, params: URLSearchParams, clock: MapClock, visible?: RecordsFilter): Promise<PropagationJson> {
  const map = await mapOf(store, params, clock, DEFAULT_HEALTH, visible);
  const labels = new Map(map.nodes.map((n) => [n.id, { service: n.service, account: n.account, accountLabel: n.accountLabel }]));
  return {
    startMs: map.startMs,
    endMs: map.endMs,
    askedStartMs: map.askedStartMs,
    askedEndMs: map.askedEndMs,
    exact: map.exact,
    findings: map.propagation.map((p) => ({ ...p, fromNode: p.from ? labels.get(p.from) : null, toNode: labels.get(p.to) })),
  };
}
