import { formatDuration } from '@stitch/graph';
import type { MetricsJson, SloJson, SloStatusJson } from '@stitch/metrics';

const ms = (value: number | null) => (value === null ? '-' : formatDuration(BigInt(Math.round(value * 1e6))));
const percent = (share: number | null, digits = 1) => (share === null ? '-' : `${(share * 100).toFixed(digits)}%`);
const burn = (rate: number | null) => (rate === null ? '-' : `${rate.toFixed(rate >= 10 ? 0 : 2)}x`);
const day = (msValue: number) => new Date(msValue).toISOString().slice(0, 10);
const minutes = (msValue: number) => (msValue >= 3_600_000 && msValue % 3_600_000 === 0 ? `${msValue / 3_600_000}h` : `${msValue / 60_000}m`);

/** Columns padded to their widest cell; the first `left` columns left-aligned, numbers right-aligned. */
export function table(header: string[], rows: string[][], left: number): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i < left ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** One row per series, over the whole window: requests, error and fault rates, latencies. */
export function renderMetrics(metrics: MetricsJson): string {
  const { startMs, endMs } = metrics.window;
  const title = `span metrics ${new Date(startMs).toISOString()} .. ${new Date(endMs).toISOString()} (${minutes(endMs - startMs)} in ${minutes(metrics.stepMs)} steps), by ${metrics.groupBy}`;
  if (metrics.series.length === 0) return `${title}\nno requests in this window`;
  const keyHeader = metrics.groupBy === 'service' ? ['SERVICE'] : metrics.groupBy === 'operation' ? ['SERVICE', 'OPERATION'] : ['ACCOUNT', 'SERVICE', 'OPERATION'];
  const rows = metrics.series.map(({ key, total }) => [
    ...(metrics.groupBy === 'account' ? [key.accountLabel ?? key.account ?? ''] : []),
    key.service,
    ...(metrics.groupBy === 'service' ? [] : [key.operation ?? '']),
    String(total.count),
    percent(total.errorRate),
    percent(total.faultRate),
    ms(total.avgMs),
    ms(total.p50Ms),
    ms(total.p90Ms),
    ms(total.p99Ms),
  ]);
  return `${title}\n${table([...keyHeader, 'REQUESTS', 'ERRORS', 'FAULTS', 'AVG', 'P50', 'P90', 'P99'], rows, keyHeader.length)}`;
}

/** One row per SLO: where it stands, budget left and how fast it burns. */
export function renderSlos(slos: Array<SloJson & { status: SloStatusJson }>): string {
  if (slos.length === 0) return 'no SLOs (stitch slo create …)';
  const rows = slos.map((slo) => [
    slo.status.met ? 'met' : 'BREACHED',
    slo.id,
    slo.name,
    percent(slo.target, 2),
    percent(slo.status.compliance, 2),
    percent(slo.status.errorBudget.remaining),
    burn(slo.status.burnRate['1h']),
    burn(slo.status.burnRate.window),
  ]);
  return table(['STATUS', 'ID', 'NAME', 'TARGET', 'COMPLIANCE', 'BUDGET LEFT', 'BURN 1H', 'BURN WINDOW'], rows, 3);
}

/** An SLO in full: its promise, its window's figures, burn rates, and the budget day by day. */
export function renderSlo(slo: SloJson, status: SloStatusJson): string {
  const lines = [
    `${slo.name} (${slo.id}): ${status.met ? 'met' : 'BREACHED'}`,
    `  ${slo.description}`,
    `  last ${status.window.days} days: ${status.good.toFixed(0)} good of ${status.total} requests, compliance ${percent(status.compliance, 3)} (target ${percent(slo.target, 2)})`,
    `  error budget: ${status.errorBudget.bad.toFixed(0)} bad of ${status.errorBudget.allowedBad.toFixed(1)} allowed, ${percent(status.errorBudget.remaining)} left`,
    `  burn rate: 1h ${burn(status.burnRate['1h'])}, 6h ${burn(status.burnRate['6h'])}, 24h ${burn(status.burnRate['24h'])}, window ${burn(status.burnRate.window)}`,
  ];
  if (status.daily && status.daily.length > 0) {
    const rows = status.daily.map((d) => [day(d.dayStartMs), String(d.total), percent(d.compliance, 2), percent(d.budgetRemaining), budgetBar(d.budgetRemaining)]);
    lines.push('', table(['DAY', 'REQUESTS', 'COMPLIANCE', 'BUDGET LEFT', ''], rows, 1));
  }
  return lines.join('\n');
}

/** The budget left as a bar of 20 (empty, with a `!`, once overspent). */
function budgetBar(remaining: number): string {
  if (remaining < 0) return '!';
  const filled = Math.round(Math.min(1, remaining) * 20);
  return `${'#'.repeat(filled)}${'.'.repeat(20 - filled)}`;
}
