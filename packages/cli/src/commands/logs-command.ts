import type { Command } from 'commander';
import type { LogsJson } from '@stitch/api';
import { ApiClient, CliError, withFilterCaret } from '../api-client.ts';
import { renderLogLines, sinceToStartMs } from '../render-logs.ts';
import { DEFAULT_CENTRAL_URL, printResult } from './options.ts';

interface LogsOptions {
  url: string;
  trace?: string;
  query?: string;
  since?: string;
  start?: string;
  end?: string;
  severity?: string;
  text?: string;
  service?: string;
  account?: string;
  limit?: string;
  json?: boolean;
}

export function registerLogsCommand(program: Command): void {
  program
    .command('logs')
    .description("log lines: of one trace (--trace), of the traces matching a filter (-q 'duration > 2' --since 1h), or of a window")
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--trace <traceId>', "this trace's lines, oldest first")
    .option('-q, --query <expression>', 'the lines of the traces matching this filter expression, each with its trace')
    .option('--since <duration>', 'the window: the last 30m, 1h, 2d … (default 1h)')
    .option('--start <time>', 'unix ms or ISO-8601 (instead of --since)')
    .option('--end <time>', 'unix ms or ISO-8601 (default: now)')
    .option('--severity <level>', 'this level and worse: trace, debug, info, warn, error, fatal')
    .option('--text <text>', 'lines whose message contains this (any case)')
    .option('--service <name>', "lines of this service")
    .option('--account <id|label>', "lines of this account")
    .option('--limit <n>', 'lines at most (default 100; 1000 for a trace)')
    .option('--json', 'print the API response as JSON')
    .action(async (options: LogsOptions) => {
      let start = options.start;
      if (options.since !== undefined) {
        const startMs = sinceToStartMs(options.since, Date.now());
        if (startMs === null) throw new CliError(`--since: "${options.since}" is not a duration (30m, 1h, 2d)`);
        start = String(startMs);
      }
      const params = {
        traceId: options.trace,
        q: options.query,
        start,
        end: options.end,
        severity: options.severity,
        text: options.text,
        service: options.service,
        account: options.account,
        limit: options.limit,
      };
      const result = await new ApiClient(options.url).get<LogsJson>('/api/logs', params).catch((error: unknown) => {
        throw withFilterCaret(error, options.query);
      });
      printResult(options.json, result, () => {
        const note = result.traces && !result.traces.complete ? `\n(only the newest ${result.traces.matched} matching traces were joined; narrow the window or the filter)` : '';
        return renderLogLines(result.logs) + note;
      });
    });
}
