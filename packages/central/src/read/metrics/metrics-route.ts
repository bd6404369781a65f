import { ApiError } from '@stitch/http';
import { autoStepMs, buildSeries, MAX_POINTS, METRIC_BUCKET_MS, METRIC_GROUPS, type MetricGroup, type MetricSelector, type MetricsJson } from '@stitch/metrics';
import type { MetricReads } from '@stitch/store';
import { parseDuration, parseTime } from '../params.ts';
import { readSelectedRecords } from './selected-records.ts';

const MAX_WINDOW_MS = 7 * 24 * 3_600_000;
const DEFAULT_WINDOW_MS = 3_600_000;
const PARAMS = new Set(['service', 'operation', 'account', 'start', 'end', 'since', 'step', 'groupBy']);
const MAX_NAME = 256;

export interface MetricsQuery {
  startMs: number;
  endMs: number;
  stepMs: number;
  groupBy: MetricGroup;
  selector: MetricSelector;
}

/** GET /api/metrics's parameters; a 400 naming the parameter at fault. */
export function parseMetricsQuery(params: URLSearchParams, nowMs: number): MetricsQuery {
  for (const key of params.keys()) if (!PARAMS.has(key)) throw new ApiError(400, `${key}: unknown parameter (known: ${[...PARAMS].join(', ')})`);
  if (params.has('since') && params.has('start')) throw new ApiError(400, 'since: give since or start, not both');
  const endMs = params.get('end') ? millisOf(parseTime('end', params.get('end')!)) : nowMs;
  let startMs = endMs - DEFAULT_WINDOW_MS;
  if (params.get('start')) startMs = millisOf(parseTime('start', params.get('start')!));
  if (params.get('since')) startMs = endMs - millisOf(parseDuration('since', params.get('since')!));
  if (startMs >= endMs) throw new ApiError(400, `${params.has('since') ? 'since' : 'start'}: the window must start before it ends`);
  if (endMs - startMs > MAX_WINDOW_MS) throw new ApiError(400, `${params.has('since') ? 'since' : 'start'}: the window may span at most 7 days (span metrics are queried over 7 days)`);
  // Counts are per minute: the window starts on a whole minute, as the answer says.
  startMs -= startMs % METRIC_BUCKET_MS;
  const groupBy = (params.get('groupBy') ?? 'service') as MetricGroup;
  if (!METRIC_GROUPS.includes(groupBy)) throw new ApiError(400, `groupBy: "${groupBy.slice(0, 40)}" is not one of ${METRIC_GROUPS.join(', ')}`);
  let stepMs = autoStepMs(startMs, endMs);
  if (params.get('step')) {
    stepMs = millisOf(parseDuration('step', params.get('step')!));
    if (stepMs < METRIC_BUCKET_MS || stepMs % METRIC_BUCKET_MS !== 0) throw new ApiError(400, 'step: whole minutes, at least 1m (counts are per minute)');
    if ((endMs - startMs) / stepMs > MAX_POINTS) throw new ApiError(400, `step: at most ${MAX_POINTS} steps per window; use a longer step`);
  }
  const selector: MetricSelector = {};
  for (const field of ['service', 'operation', 'account'] as const) {
    const value = params.get(field);
    if (value === null) continue;
    if (value === '' || value.length > MAX_NAME) throw new ApiError(400, `${field}: 1 to ${MAX_NAME} characters`);
    selector[field] = value;
  }
  return { startMs, endMs, stepMs, groupBy, selector };
}

/** RED series over a window: "latency by service across all accounts" is the default grouping. */
export async function metricsAnswer(store: MetricReads, params: URLSearchParams, nowMs: number): Promise<MetricsJson> {
  const query = parseMetricsQuery(params, nowMs);
  const records = await readSelectedRecords(store, query.startMs, query.endMs, query.selector, query.stepMs);
  return {
    window: { startMs: query.startMs, endMs: query.endMs },
    stepMs: query.stepMs,
    groupBy: query.groupBy,
    series: buildSeries(records, query),
  };
}

const millisOf = (nanos: bigint) => Number(nanos / 1_000_000n);
