import type { ServiceMapJson, StatsJson } from '@stitch/api';
import { formatDuration } from '@stitch/graph';

const HEALTH_MARK = { green: 'ok ', yellow: 'WARN', red: 'BAD ' } as const;
const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
const latency = (value: string | null) => (value === null ? '-' : formatDuration(BigInt(value)));

function badges(stats: StatsJson): string {
  return [
    `${stats.requestsPerSecond.toFixed(stats.requestsPerSecond >= 10 ? 0 : 2)}/s`.padStart(8),
    `p50 ${latency(stats.p50Nanos)}`.padEnd(12),
    `p95 ${latency(stats.p95Nanos)}`.padEnd(12),
    `p99 ${latency(stats.p99Nanos)}`.padEnd(12),
    `err ${percent(stats.errorRate)}`.padEnd(10),
    `fault ${percent(stats.faultRate)}`.padEnd(12),
    `throttle ${percent(stats.throttleRate)}`,
  ].join(' ');
}

/** The map as text: nodes grouped by account (inferred peers apart), then edges, then where trace context is lost. */
export function renderServiceMap(map: ServiceMapJson): string {
  const lines: string[] = [`service map ${new Date(map.startMs).toISOString()} .. ${new Date(map.endMs).toISOString()}`];
  if (map.nodes.length === 0) return `${lines[0]}\n(no spans counted in this window)`;
  const labelOf = new Map(map.nodes.map((node) => [node.id, node.label]));
  const width = Math.max(...map.nodes.map((node) => node.label.length));
  const groups = new Map<string, ServiceMapJson['nodes']>();
  for (const node of map.nodes) {
    const group = node.inferred === null ? `account ${node.accountLabel} (${node.account})` : 'inferred (not instrumented)';
    groups.set(group, [...(groups.get(group) ?? []), node]);
  }
  const ordered = [...groups.keys()].sort((a, b) => (a.startsWith('inferred') ? 1 : b.startsWith('inferred') ? -1 : a.localeCompare(b)));
  for (const group of ordered) {
    lines.push('', group);
    for (const node of groups.get(group)!) {
      const kind = node.inferred === null ? '' : ` [${node.inferred}]`;
      lines.push(`  ${HEALTH_MARK[node.stats.health]} ${node.label.padEnd(width)} ${badges(node.stats)}${kind}`);
    }
  }
  lines.push('', 'calls');
  const edgeWidth = Math.max(...map.edges.map((edge) => `${labelOf.get(edge.from)} -> ${labelOf.get(edge.to)}`.length), 0);
  for (const edge of map.edges) {
    const arrow = edge.connection === 'async' ? '~>' : '->';
    lines.push(`  ${HEALTH_MARK[edge.stats.health]} ${`${labelOf.get(edge.from)} ${arrow} ${labelOf.get(edge.to)}`.padEnd(edgeWidth)} ${badges(edge.stats)}`);
  }
  if (map.propagation.length > 0) {
    lines.push('', 'broken trace context');
    for (const finding of map.propagation) {
      lines.push(`  ! ${finding.message}${finding.exampleTraceIds.length > 0 ? `; e.g. ${finding.exampleTraceIds.slice(0, 3).join(', ')}` : ''}`);
    }
  }
  return lines.join('\n');
}
