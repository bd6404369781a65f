import type { Command } from 'commander';
import type { AccountsJson, HistogramJson, MetricsQueryJson, ServicesJson, TraceAnswerJson, TraceSearchJson } from '@stitch/api';
import { parseMetricsQuery } from '@stitch/query';
import { traceStatusText } from '@stitch/model';
import { ApiClient, withFilterCaret } from '../api-client.ts';
import { renderMetricsQuery } from '../render-metrics-query.ts';
import { renderTraceList } from '../render-trace-list.ts';
import { renderWaterfall } from '../render-waterfall.ts';
import { DEFAULT_CENTRAL_URL, printJson } from './options.ts';

export function registerQueryCommands(program: Command): void {
  program
    .command('trace <traceId>')
    .description('show one trace as an indented waterfall')
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (traceId: string, options: { url: string; json?: boolean }) => {
      const trace = await new ApiClient(options.url).get<TraceAnswerJson>(`/api/traces/${encodeURIComponent(traceId)}`);
      if (options.json) return printJson(trace);
      const s = trace.summary;
      console.log(`trace ${trace.traceId}  ${s.rootServiceName}: ${s.rootSpanName}  ${s.durationMs.toFixed(1)} ms  ${s.spanCount} spans  ${traceStatusText(s)}`);
      console.log(`services: ${s.services.join(', ')}   accounts: ${s.accounts.join(', ')}\n`);
      console.log(renderWaterfall(trace.spans, { width: process.stdout.columns ?? 120, color: process.stdout.isTTY }));
    });

  program
    .command('search [expression]')
    .description('find traces, newest first, and how their durations spread; e.g. stitch search \'duration > 8 AND service("payments") { fault }\'')
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--service <name>', 'traces with a span of this service')
    .option('--account <id|label>', 'traces with a span of this account')
    .option('--min-duration <d>', 'e.g. 8s, 200ms')
    .option('--max-duration <d>', 'e.g. 2s')
    .option('--start <time>', 'unix ms or ISO-8601 (default: an hour ago)')
    .option('--end <time>', 'unix ms or ISO-8601 (default: now)')
    .option('--limit <n>', 'at most this many traces', '20')
    .option('--json', 'print the API response as JSON')
    .action(async (expression: string | undefined, options: Record<string, string | boolean | undefined>) => {
      const client = new ApiClient(options.url as string);
      const result = await client.get<TraceSearchJson & { histogram: HistogramJson }>('/api/traces', {
        q: expression,
        histogram: 'true',
        service: options.service as string | undefined,
        account: options.account as string | undefined,
        minDuration: options.minDuration as string | undefined,
        maxDuration: options.maxDuration as string | undefined,
        start: options.start as string | undefined,
        end: options.end as string | undefined,
        limit: options.limit as string,
      }).catch((error: unknown) => {
        throw withFilterCaret(error, expression);
      });
      if (options.json) return printJson(result);
      // Accounts by their labels; a credential that may not list accounts sees their ids.
      const accounts = await client.get<AccountsJson>('/api/accounts').catch(() => null);
      const labels = new Map((accounts?.accounts ?? []).map((account) => [account.accountId, account.label]));
      console.log(renderTraceList(result, labels, Date.now()));
    });

  program
    .command('query <metricsQuery>')
    .description('a metrics query over spans, a point per step; e.g. stitch query \'{ status = error } | rate() by (resource.service.name)\'')
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--start <time>', 'unix ms or ISO-8601 (default: an hour ago)')
    .option('--end <time>', 'unix ms or ISO-8601 (default: now)')
    .option('--step <duration>', 'e.g. 30s, 5m (default: at most 300 points)')
    .option('--limit <n>', 'at most this many series, those with the most spans', '100')
    .option('--json', 'print the API response as JSON')
    .action(async (text: string, options: Record<string, string | boolean | undefined>) => {
      const answer = await new ApiClient(options.url as string)
        .get<MetricsQueryJson>('/api/metrics/query_range', { q: text, start: options.start as string | undefined, end: options.end as string | undefined, step: options.step as string | undefined, limit: options.limit as string })
        .catch((error: unknown) => {
          throw withFilterCaret(error, text);
        });
      if (options.json) return printJson(answer);
      // Central parsed it (a mistake is its 400, with the column); read here for the units.
      console.log(renderMetricsQuery(answer, parseMetricsQuery(text)));
    });

  program
    .command('services')
    .description('list the services central has seen')
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--account <id>', 'only services reporting from this account')
    .option('--json', 'print the API response as JSON')
    .action(async (options: { url: string; account?: string; json?: boolean }) => {
      const result = await new ApiClient(options.url).get<ServicesJson>('/api/services', { account: options.account });
      if (options.json) return printJson(result);
      for (const s of result.services) console.log(`${s.serviceName.padEnd(32)} ${String(s.spanCount).padStart(10)} spans  accounts: ${s.accounts.join(', ')}`);
    });

  program
    .command('accounts')
    .description('list the accounts central knows: linked, or with stored spans')
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (options: { url: string; json?: boolean }) => {
      const result = await new ApiClient(options.url).get<AccountsJson>('/api/accounts');
      if (options.json) return printJson(result);
      console.log(`${'account'.padEnd(14)} ${'label'.padEnd(28)} ${'spans'.padStart(10)}  ${'last span'.padEnd(24)}  link / services`);
      for (const a of result.accounts) {
        const link = a.link ? `${a.link.id}${a.link.revokedAt ? ' (revoked)' : ''}${a.federated ? `, keeps its spans (read at ${a.federated.readUrl})` : ''}` : 'no link';
        const lastSeen = a.lastSeenMs === null ? '-' : new Date(a.lastSeenMs).toISOString();
        console.log(`${a.accountId.padEnd(14)} ${a.label.padEnd(28)} ${String(a.spanCount).padStart(10)}  ${lastSeen.padEnd(24)}  ${link}; ${a.services.join(', ') || 'no spans yet'}`);
      }
    });
}
