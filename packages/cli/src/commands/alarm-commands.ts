import type { AlarmAnswerJson, AlarmEvaluationJson, AlarmHistoryJson, AlarmListJson } from '@stitch/api';
import { DURATION_UNIT_NANOS } from '@stitch/model';
import { InvalidArgumentError, type Command } from 'commander';
import { ApiClient, CliError } from '../api-client.ts';
import { renderAlarms, renderHistory } from '../render-alarms.ts';
import { DEFAULT_CENTRAL_URL, integerOption, printResult } from './options.ts';

const COMPARATORS: Record<string, string> = { '>': '>', '>=': '>=', '<': '<', '<=': '<=', gt: '>', ge: '>=', lt: '<', le: '<=' };
const LATENCY_METRICS = new Set(['p50', 'p90', 'p99', 'avgLatencyMs']);

/** "5m", "1h", "90s" (whole minutes), or a bare number of minutes. */
function minutesOption(flag: string) {
  return (text: string): number => {
    const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
    const minutes = match ? (Number(match[1]) * DURATION_UNIT_NANOS[match[2] ?? 'm']!) / DURATION_UNIT_NANOS.m! : NaN;
    if (!Number.isInteger(minutes) || minutes < 1) throw new InvalidArgumentError(`${flag} takes whole minutes: 5m, 1h, or 5, got "${text}"`);
    return minutes;
  };
}

/** A latency threshold may carry its unit ("2s", "250ms"); a bare number is milliseconds, or the rate or count itself. */
function thresholdOf(metric: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m)?$/.exec(text.trim());
  if (!match || (match[2] !== undefined && !LATENCY_METRICS.has(metric))) throw new CliError(`--threshold: "${text}" is not a number${LATENCY_METRICS.has(metric) ? ' or a duration (2s, 250ms)' : ''}`);
  return match[2] === undefined ? Number(match[1]) : (Number(match[1]) * DURATION_UNIT_NANOS[match[2]]!) / DURATION_UNIT_NANOS.ms!;
}

interface CreateOptions {
  metric?: string;
  comparator: string;
  threshold?: string;
  window: number;
  service?: string;
  operation?: string;
  account?: string;
  minRequests?: number;
  slo?: string;
  longWindow: number;
  shortWindow: number;
  factor: number;
  datapoints: number;
  webhook?: string[];
  url: string;
  json?: boolean;
}

/** The rule body of `alarm create`: a threshold rule (--metric) or a burn-rate rule (--slo). */
function conditionOf(options: CreateOptions): object {
  if ((options.slo === undefined) === (options.metric === undefined)) throw new CliError('give either --metric (a threshold rule) or --slo (a burn-rate rule)');
  if (options.slo !== undefined) return { kind: 'burnRate', sloId: options.slo, longWindowMinutes: options.longWindow, shortWindowMinutes: options.shortWindow, factor: options.factor };
  const comparator = COMPARATORS[options.comparator];
  if (!comparator) throw new CliError(`--comparator: one of >, >=, <, <= (or gt, ge, lt, le), got "${options.comparator}"`);
  if (options.threshold === undefined) throw new CliError('--threshold is needed with --metric');
  const selector = { ...(options.account ? { account: options.account } : {}), ...(options.service ? { service: options.service } : {}), ...(options.operation ? { operation: options.operation } : {}) };
  return {
    kind: 'threshold',
    selector,
    metric: options.metric,
    comparator,
    threshold: thresholdOf(options.metric!, options.threshold),
    windowMinutes: options.window,
    ...(options.minRequests === undefined ? {} : { minRequests: options.minRequests }),
  };
}

/** `stitch alarm …`: alarm rules on the span metrics and SLOs, their state, and what was sent where. */
export function registerAlarmCommands(program: Command): void {
  const alarm = program.command('alarm').description('alarm rules: thresholds on span metrics and SLO burn rates, notified to webhooks');

  alarm
    .command('list', { isDefault: true })
    .description('every rule with its state (the default)')
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (options: { url: string; json?: boolean }) => {
      const answer = await new ApiClient(options.url).get<AlarmListJson>('/api/alarms');
      printResult(options.json, answer, () => renderAlarms(answer.alarms, Date.now()));
    });

  alarm
    .command('create <name>')
    .description('a threshold rule (--metric p99 --threshold 2s --service checkout) or a burn-rate rule (--slo ID)')
    .option('--metric <metric>', 'p50, p90, p99, avgLatencyMs (ms), errorRate, faultRate (0 to 1), requests')
    .option('--comparator <op>', '>, >=, <, <= (or gt, ge, lt, le)', '>')
    .option('--threshold <value>', 'latency in ms or with a unit (2s), a rate from 0 to 1, or a count')
    .option('--window <minutes>', 'the window each evaluation looks back over: 5m, 1h', minutesOption('--window'), 5)
    .option('--service <name>', 'only this service (default: every service)')
    .option('--operation <name>', 'only this operation')
    .option('--account <id>', 'only this account (default: every account)')
    .option('--min-requests <n>', 'fewer requests in the window is INSUFFICIENT_DATA (default 1)', integerOption('--min-requests'))
    .option('--slo <id>', 'a burn-rate rule on this SLO')
    .option('--long-window <minutes>', 'burn rate: the long window', minutesOption('--long-window'), 60)
    .option('--short-window <minutes>', 'burn rate: the short window', minutesOption('--short-window'), 5)
    .option('--factor <n>', 'burn rate: both windows over this fire the alarm', Number, 14.4)
    .option('--datapoints <n>', 'breaching evaluations in a row before ALARM', integerOption('--datapoints'), 1)
    .option('--webhook <url>', 'POST state changes here (repeatable)', (value: string, all: string[] = []) => [...all, value])
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (name: string, options: CreateOptions) => {
      const body = { name, condition: conditionOf(options), datapointsToAlarm: options.datapoints, webhooks: options.webhook ?? [] };
      const answer = await new ApiClient(options.url).post<AlarmAnswerJson>('/api/alarms', body);
      printResult(options.json, answer, () => `alarm ${answer.alarm.id} created: ${answer.alarm.description}; webhooks: ${answer.alarm.webhooks.join(', ') || 'none'}`);
    });

  alarm
    .command('history <id>')
    .description("a rule's state changes, newest first, with each webhook's outcome")
    .option('--limit <n>', 'at most this many (up to 100)', integerOption('--limit'), 20)
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (id: string, options: { limit: number; url: string; json?: boolean }) => {
      const answer = await new ApiClient(options.url).get<AlarmHistoryJson>(`/api/alarms/${encodeURIComponent(id)}/history`, { limit: String(options.limit) });
      printResult(options.json, answer, () => renderHistory(id, answer.history));
    });

  alarm
    .command('evaluate <id>')
    .description('evaluate a rule now, and wait for its notifications')
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (id: string, options: { url: string; json?: boolean }) => {
      const answer = await new ApiClient(options.url).post<AlarmEvaluationJson>(`/api/alarms/${encodeURIComponent(id)}/evaluate`, {});
      printResult(options.json, answer, () => [`${answer.alarm.state}: ${answer.evaluation.reason}`, ...(answer.transition ? [renderHistory(id, [answer.transition])] : [])].join('\n'));
    });

  alarm
    .command('delete <id>')
    .description('delete a rule and its history')
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .action(async (id: string, options: { url: string }) => {
      await new ApiClient(options.url).delete(`/api/alarms/${encodeURIComponent(id)}`);
      console.log(`alarm ${id} deleted`);
    });
}
