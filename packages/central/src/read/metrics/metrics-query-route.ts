import type { MetricsQueryJson } from '@stitch/api';
import { ApiError } from '@stitch/http';
import { MAX_POINTS, STEPS_MS } from '@stitch/metrics';
import { FilterSyntaxError, parseMetricsQuery, seriesOf, stepCount, type MetricsQuery } from '@stitch/query';
import type { MetricsQueryReads } from '@stitch/store';
import type { ReadCoverage } from '../federated/read-coverage.ts';
import { parseDuration, parseLimit } from '../params.ts';
import { parseWindow } from '../traces/trace-routes.ts';

const PARAMS = new Set(['q', 'start', 'end', 'step', 'limit']);
/** Steps chosen when none is asked: the finest that keeps the window within MAX_POINTS points. */
const AUTO_STEPS_MS = [1_000, 5_000, 15_000, 30_000, ...STEPS_MS];
/** More points than this is a query to narrow, not to draw. */
const MAX_STEPS = 2_000;
const DEFAULT_SERIES = 100;
const MAX_SERIES = 1_000;

/**
 * GET /api/metrics/query_range?q=&start=&end=&step=&limit= : a metrics query over the spans of
 * the window (MetricsQueryJson). Series beyond `limit`, the fewest spans first, are left out and
 * `partial.stoppedAt` says so.
 */
export async function metricsQueryRange(reads: MetricsQueryReads, params: URLSearchParams, nowMs: number, coverage: ReadCoverage): Promise<MetricsQueryJson> {
  for (const key of params.keys()) if (!PARAMS.has(key)) throw new ApiError(400, `${key}: unknown parameter (known: ${[...PARAMS].join(', ')})`);
  const q = params.get('q');
  if (q === null || q.trim() === '') throw new ApiError(400, 'q: a metrics query is required, such as { status = error } | rate() by (resource.service.name)');
  const query = parseQuery(q);
  const { startNanos, endNanos } = parseWindow(params, nowMs);
  const windowMs = Number((endNanos - startNanos) / 1_000_000n);
  const stepMs = params.get('step') ? Number(parseDuration('step', params.get('step')!) / 1_000_000n) : (AUTO_STEPS_MS.find((step) => windowMs / step <= MAX_POINTS) ?? AUTO_STEPS_MS.at(-1)!);
  if (stepMs < 1) throw new ApiError(400, 'step: must be at least 1 ms');
  const range = { startNanos, endNanos, stepNanos: BigInt(stepMs) * 1_000_000n };
  if (stepCount(range) > MAX_STEPS) throw new ApiError(400, `step: ${stepMs} ms cuts the window into ${stepCount(range)} steps; at most ${MAX_STEPS}`);
  const limit = parseLimit(params.get('limit'), DEFAULT_SERIES, MAX_SERIES);
  const all = seriesOf(query, range, await reads.metricCells(query, range));
  const kept = new Set([...all].sort((a, b) => b.spans - a.spans).slice(0, limit));
  if (kept.size < all.length) coverage.stoppedAt(`series: the ${limit} with the most spans of ${all.length} (limit=)`);
  const startMs = Number(startNanos / 1_000_000n);
  return {
    series: all
      .filter((series) => kept.has(series))
      .map((series) => ({ labels: series.labels, points: series.points.map((value, i) => ({ tMs: startMs + i * stepMs, value })), spans: series.spans })),
    query: { q, start: String(startMs), end: String(endNanos / 1_000_000n), stepMs },
  };
}

function parseQuery(text: string): MetricsQuery {
  try {
    return parseMetricsQuery(text);
  } catch (error) {
    if (!(error instanceof FilterSyntaxError)) throw error;
    throw new ApiError(400, `q: ${error.message}`, { cause: error, details: { column: error.column } });
  }
}
