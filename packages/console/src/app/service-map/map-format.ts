import { formatDuration } from '@stitch/graph';
import type { StatsJson } from '@stitch/api';

// The map's figures as people read them, short enough for a node badge or an edge label.

/** Requests per second: `0.23`, `4.5`, `120`, `1.2k`. */
export function formatRate(perSecond: number): string {
  if (perSecond === 0) return '0';
  if (perSecond < 0.01) return '<0.01';
  if (perSecond < 1) return perSecond.toFixed(2);
  if (perSecond < 10) return perSecond.toFixed(1);
  if (perSecond < 1000) return String(Math.round(perSecond));
  return `${(perSecond / 1000).toFixed(1)}k`;
}

/** A share of requests: `0%`, `<0.1%`, `2.4%`, `35%`. */
export function formatShare(rate: number): string {
  if (rate === 0) return '0%';
  if (rate < 0.001) return '<0.1%';
  if (rate < 0.1) return `${(rate * 100).toFixed(1)}%`;
  return `${Math.round(rate * 100)}%`;
}

/** A percentile from the API (nanoseconds as a decimal string, null without requests). */
export function formatLatency(nanos: string | null): string {
  return nanos === null ? '–' : formatDuration(BigInt(nanos));
}

/** Errors (4xx) and faults (5xx) together: what failed, whoever's fault. */
export const failureRate = (stats: StatsJson): number => (stats.requests === 0 ? 0 : (stats.errors + stats.faults) / stats.requests);

/** The whole of a node's or an edge's figures, for its accessible title. */
export function describeStats(stats: StatsJson): string {
  return [
    `${stats.requests} requests (${formatRate(stats.requestsPerSecond)} req/s)`,
    `p50 ${formatLatency(stats.p50Nanos)}, p95 ${formatLatency(stats.p95Nanos)}, p99 ${formatLatency(stats.p99Nanos)}`,
    `errors ${formatShare(stats.errorRate)}, faults ${formatShare(stats.faultRate)}, throttled ${formatShare(stats.throttleRate)}`,
    `health ${stats.health}`,
  ].join('; ');
}

/** Text cut to `max` characters with an ellipsis; SVG text does not wrap or clip itself. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
