import type { CostReport, PriceSheet, PricesJson, WhatIfJson } from '@stitch/api';
import { formatDollars, type CostLine } from '@stitch/cost';
import { InvalidArgumentError, type Command } from 'commander';
import { ApiClient, CliError } from '../api-client.ts';
import { DEFAULT_CENTRAL_URL, printResult } from './options.ts';

const BY = ['account', 'service', 'day'] as const;
type By = (typeof BY)[number];

const dollars = (value: number | null) => (value === null ? '-' : formatDollars(value));
const count = (value: number) => Math.round(value).toLocaleString('en-US');
const bytes = (value: number) => (value >= 1e9 ? `${(value / 1e9).toFixed(2)} GB` : value >= 1e6 ? `${(value / 1e6).toFixed(1)} MB` : value >= 1e3 ? `${(value / 1e3).toFixed(1)} kB` : `${value} B`);
const percent = (rate: number) => `${+(rate * 100).toFixed(4)} %`;

function table(heading: string, lines: Array<CostLine & { name: string }>, total: CostLine): string {
  const rows = [[heading, 'traces', 'spans', 'ingested', 'stored', 'scanned', 'retrieved', 'cost', 'per trace'], ...[...lines.map((l) => [l.name, l] as const), ['total', total] as const].map(([name, l]) => [
    name,
    count(l.usage.tracesRecorded),
    count(l.usage.spans),
    bytes(l.usage.bytesIngested),
    bytes(l.usage.bytesStored),
    count(l.usage.tracesScanned),
    count(l.usage.tracesRetrieved),
    dollars(l.cost.total),
    dollars(l.costPerTrace),
  ])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

export function renderCost(answer: CostReport, by: By): string {
  const lines =
    by === 'account'
      ? answer.byAccount.map((l) => ({ ...l, name: l.accountId }))
      : by === 'service'
        ? answer.byService.map((l) => ({ ...l, name: l.serviceName }))
        : answer.byDay.map((l) => ({ ...l, name: l.day }));
  const free = answer.freeTier.map((m) => `${m.month}: ${count(m.freeTraces)} of ${count(m.tracesRecorded)} traces free`).join('; ');
  return [
    `cost from ${answer.startDay} to ${answer.endDay} (UTC days), per ${by}: ${dollars(answer.total.cost.total)}, ${dollars(answer.total.costPerTrace)} per trace, ${dollars(answer.total.costPerGb)} per GB ingested`,
    '',
    table(by, lines, answer.total),
    '',
    `free tier (${count(answer.prices.freeTracesRecordedPerMonth)} traces a month): ${free || 'nothing recorded'}`,
  ].join('\n');
}

export function renderPrices(prices: PriceSheet): string {
  return ['price sheet (US dollars; stitch cost prices --set key=value)', ...Object.entries(prices).map(([key, value]) => `  ${key.padEnd(28)} ${value}`)].join('\n');
}

export function renderWhatIf(answer: WhatIfJson): string {
  return [
    answer.summary,
    `  today's rule ${answer.rule.name}: ${answer.rule.fixedTarget}/s then ${percent(answer.rule.rate)}; proposed: ${answer.proposed.fixedTarget}/s then ${percent(answer.proposed.rate)}`,
    `  recorded ${count(answer.observed.tracesRecorded)} traces in ${count(answer.observed.seconds)} s: ${answer.recordedPerSecond.current.toFixed(3)}/s, so about ${answer.incomingPerSecond.toFixed(3)} requests/s${answer.incomingIsLowerBound ? ' at least (the rule records nothing past its reservoir)' : ''}`,
    `  a month (30 days): ${count(answer.tracesPerMonth.current)} → ${count(answer.tracesPerMonth.proposed)} traces, ${dollars(answer.costPerMonth.current)} → ${dollars(answer.costPerMonth.proposed)} (every service's traces recorded, free tier included)`,
  ].join('\n');
}

/** "30d" → the day 29 days before today (30 days with today); a day or an ISO time as it is. */
function sinceOption(value: string): string {
  const days = /^(\d{1,3})d$/.exec(value.trim());
  if (days) {
    const n = Number(days[1]);
    if (n < 1 || n > 366) throw new InvalidArgumentError('--since takes 1d to 366d');
    return new Date(Date.now() - (n - 1) * 86_400_000).toISOString().slice(0, 10);
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(value.trim())) return value.trim();
  throw new InvalidArgumentError(`--since takes a number of days (30d) or a day (2030-01-31), got "${value}"`);
}

function byOption(value: string): By {
  if (!(BY as readonly string[]).includes(value)) throw new InvalidArgumentError(`--by takes ${BY.join(', ')}, got "${value}"`);
  return value as By;
}

/** --set key=value pairs as a price change. */
function priceChange(pairs: string[]): Record<string, number> {
  const change: Record<string, number> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z]+)=(.+)$/.exec(pair);
    if (!match || !Number.isFinite(Number(match[2]))) throw new CliError(`--set: expected key=number (e.g. perGbIngested=0.1), got "${pair}"`);
    change[match[1]!] = Number(match[2]);
  }
  return change;
}

export function registerCostCommands(program: Command): void {
  const cost = program
    .command('cost')
    .description('usage and cost per account, service and day, priced with the price sheet (X-Ray list prices by default)')
    .option('--since <when>', 'first day: 30d (the last 30 days) or a day (2030-01-31)', sinceOption, sinceOption('30d'))
    .option('--until <day>', 'last day (default today)')
    .option('--by <what>', 'one line per account, service or day', byOption, 'account' as By)
    .option('--url <url>', 'central to ask (also for the subcommands)', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON (also for the subcommands)')
    .action(async (options: { since: string; until?: string; by: By; url: string; json?: boolean }) => {
      const answer = await new ApiClient(options.url).get<CostReport>('/api/cost', { start: options.since, end: options.until });
      printResult(options.json, answer, () => renderCost(answer, options.by));
    });

  cost
    .command('prices')
    .description('the price sheet; --set changes prices (admin token), --reset restores the defaults')
    .option('--set <key=value>', 'a price to change (repeatable)', (value: string, all: string[] = []) => [...all, value])
    .option('--reset', "back to X-Ray's list prices")
    .action(async (_: unknown, command: Command) => {
      // --url and --json belong to `stitch cost` (commander gives a parent's options to the parent).
      const options = command.optsWithGlobals<{ set?: string[]; reset?: boolean; url: string; json?: boolean }>();
      const client = new ApiClient(options.url);
      const answer = options.reset
        ? await client.delete<PricesJson>('/api/cost/prices')
        : options.set
          ? await client.put<PricesJson>('/api/cost/prices', priceChange(options.set))
          : await client.get<PricesJson>('/api/cost/prices');
      printResult(options.json, answer, () => renderPrices(answer.prices));
    });

  cost
    .command('what-if')
    .description('what a sampling change would record and cost a month: --service checkout --rate 100%')
    .requiredOption('--service <name>', 'the service whose rule changes')
    .requiredOption('--rate <rate>', 'the proposed rate: 100%, 50%, 0.05')
    .option('--reservoir <n>', 'the proposed requests per second sampled first (default: as today)')
    .option('--account <id>', "only this account's traces of the service")
    .option('--days <n>', 'days of usage to estimate from (default 7)')
    .action(async (_: unknown, command: Command) => {
      const options = command.optsWithGlobals<{ service: string; rate: string; reservoir?: string; account?: string; days?: string; url: string; json?: boolean }>();
      const answer = await new ApiClient(options.url).get<WhatIfJson>('/api/cost/what-if', {
        service: options.service,
        rate: options.rate,
        reservoir: options.reservoir,
        account: options.account,
        days: options.days,
      });
      printResult(options.json, answer, () => renderWhatIf(answer));
    });
}
