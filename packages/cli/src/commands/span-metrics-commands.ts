import type { Command } from 'commander';
import type { DeletedJson, MetricsJson, SloAnswerJson, SloListJson } from '@stitch/api';
import { ApiClient, CliError } from '../api-client.ts';
import { renderMetrics, renderSlo, renderSlos } from '../render-span-metrics.ts';
import { DEFAULT_CENTRAL_URL, printResult } from './options.ts';

interface MetricsOptions {
  url: string;
  service?: string;
  operation?: string;
  account?: string;
  groupBy?: string;
  since?: string;
  start?: string;
  end?: string;
  step?: string;
  json?: boolean;
}

interface CreateOptions {
  url: string;
  name: string;
  service: string;
  operation?: string;
  account?: string;
  latencyMs?: string;
  success?: boolean;
  target: string;
  window: string;
  json?: boolean;
}

/** `--target 99.9` (a percentage) as the API's share, 0.999. */
export function targetShare(text: string): number {
  const percent = Number(text.trim().replace(/%$/, ''));
  if (!Number.isFinite(percent) || percent <= 0 || percent >= 100) throw new CliError(`--target: a percentage above 0 and below 100 (99.9), got "${text}"`);
  return Math.round(percent * 1e6) / 1e8;
}

/** The body of `slo create`, checked before central is asked. */
export function sloBodyOf(options: CreateOptions): object {
  if ((options.latencyMs === undefined) === !options.success) throw new CliError('give either --latency-ms <ms> (requests within it are good) or --success (requests without a fault are good)');
  const thresholdMs = Number(options.latencyMs);
  if (options.latencyMs !== undefined && !(thresholdMs > 0)) throw new CliError(`--latency-ms: a number of milliseconds above 0, got "${options.latencyMs}"`);
  if (options.window !== '7' && options.window !== '30') throw new CliError(`--window: 7 or 30 (days), got "${options.window}"`);
  return {
    name: options.name,
    selector: { service: options.service, ...(options.operation ? { operation: options.operation } : {}), ...(options.account ? { account: options.account } : {}) },
    objective: options.success ? { kind: 'success' } : { kind: 'latency', thresholdMs },
    target: targetShare(options.target),
    windowDays: Number(options.window),
  };
}

export function registerSpanMetricsCommands(program: Command): void {
  program
    .command('metrics')
    .description('span metrics (RED): requests, error and fault rates, latency percentiles per service, operation or account')
    .option('--service <name>', 'one service')
    .option('--operation <name>', 'one operation (span name)')
    .option('--account <id|label>', 'one account')
    .option('--group-by <what>', 'service (across accounts), operation, or account', 'service')
    .option('--since <duration>', 'the window up to now: 15m, 1h, 7d (default 1h)')
    .option('--start <time>', 'unix ms or ISO-8601 (instead of --since)')
    .option('--end <time>', 'unix ms or ISO-8601 (default: now)')
    .option('--step <duration>', 'step of the series in --json (default: chosen from the window)')
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (options: MetricsOptions) => {
      const since = options.since === undefined ? undefined : sinceParam(options.since);
      const metrics = await new ApiClient(options.url).get<MetricsJson>('/api/metrics', {
        service: options.service,
        operation: options.operation,
        account: options.account,
        groupBy: options.groupBy,
        since,
        start: options.start,
        end: options.end,
        step: options.step,
      });
      printResult(options.json, metrics, () => renderMetrics(metrics));
    });

  const slo = program.command('slo').description('service level objectives: compliance, error budget left, burn rate');
  slo
    .command('list', { isDefault: true })
    .description('every SLO with its compliance, budget left and burn rate')
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (options: { url: string; json?: boolean }) => {
      const answer = await new ApiClient(options.url).get<SloListJson>('/api/slos');
      printResult(options.json, answer, () => renderSlos(answer.slos));
    });
  slo
    .command('show <id>')
    .description('one SLO: its window, budget, burn rates and the budget day by day')
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (id: string, options: { url: string; json?: boolean }) => {
      const answer = await new ApiClient(options.url).get<SloAnswerJson>(`/api/slos/${encodeURIComponent(id)}`);
      printResult(options.json, answer, () => renderSlo(answer.slo, answer.status));
    });
  slo
    .command('create')
    .description('a new SLO (needs the admin token in STITCH_TOKEN when central has one)')
    .requiredOption('--name <name>', 'what people call it: "checkout p99 under 2 s"')
    .requiredOption('--service <name>', 'whose requests count')
    .option('--operation <name>', 'only this operation (span name)')
    .option('--account <id|label>', 'only this account')
    .option('--latency-ms <ms>', 'good requests answer within this many milliseconds')
    .option('--success', 'good requests answer without a fault (5xx)')
    .requiredOption('--target <percent>', 'the share of good requests promised, in percent: 99, 99.9')
    .option('--window <days>', '7 or 30', '30')
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (options: CreateOptions) => {
      const answer = await new ApiClient(options.url).post<SloAnswerJson>('/api/slos', sloBodyOf(options));
      printResult(options.json, answer, () => `SLO ${answer.slo.id} created\n${renderSlo(answer.slo, { ...answer.status, daily: [] })}`);
    });
  slo
    .command('delete <id>')
    .description('delete an SLO (burn-rate alarms on it go to INSUFFICIENT_DATA)')
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (id: string, options: { url: string; json?: boolean }) => {
      const answer = await new ApiClient(options.url).delete<DeletedJson>(`/api/slos/${encodeURIComponent(id)}`);
      printResult(options.json, answer, () => `SLO ${answer.deleted} deleted`);
    });
}

/** "7d" is what people type for a week; the API's durations stop at hours. */
function sinceParam(text: string): string {
  const days = /^(\d+(?:\.\d+)?)d$/.exec(text.trim());
  return days ? `${Number(days[1]) * 24}h` : text;
}
