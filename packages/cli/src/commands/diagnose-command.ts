import type { DiagnoseJson } from '@stitch/api';
import type { Command } from 'commander';
import { ApiClient, withFilterCaret } from '../api-client.ts';
import { DEFAULT_CENTRAL_URL, printResult } from './options.ts';

export function registerDiagnoseCommand(program: Command): void {
  program
    .command('diagnose <expression>')
    .description(
      'explain the traces matching a filter against the others: a hop that dropped trace context, who holds their critical path, and retry storms, missing timeouts, lock waits (each in 3+ matching traces and more frequent than in the others by a Fisher exact test); traces still arriving are counted, not compared; e.g. stitch diagnose \'duration > 8\'',
    )
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--account <id|label>', 'explain traces of this account, against a baseline from it')
    .option('--start <time>', 'unix ms or ISO-8601 (default: an hour ago)')
    .option('--end <time>', 'unix ms or ISO-8601 (default: now)')
    .option('--limit <n>', 'matching traces to compare (and as many others), up to 1000', '200')
    .option('--json', 'print the API response as JSON')
    .action(async (expression: string, options: { url: string; account?: string; start?: string; end?: string; limit: string; json?: boolean }) => {
      const result = await new ApiClient(options.url)
        .get<DiagnoseJson>('/api/diagnose', { q: expression, account: options.account, start: options.start, end: options.end, limit: options.limit })
        .catch((error: unknown) => {
          throw withFilterCaret(error, expression);
        });
      printResult(options.json, result, () => result.report);
    });
}
