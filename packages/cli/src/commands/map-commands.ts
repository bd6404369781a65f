import type { Command } from 'commander';
import { ApiClient } from '../api-client.ts';
import type { PropagationJson, ServiceMapJson } from '@stitch/api';
import { renderServiceMap } from '../render-service-map.ts';
import { DEFAULT_CENTRAL_URL, printResult } from './options.ts';

interface WindowOptions {
  url: string;
  start?: string;
  end?: string;
  account?: string;
  json?: boolean;
}

const withWindow = (command: Command) =>
  command
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--start <time>', 'unix ms or ISO-8601 (default: 15 minutes ago)')
    .option('--end <time>', 'unix ms or ISO-8601 (default: now)')
    .option('--account <id|label>', "one account's services, their neighbours and the calls between them")
    .option('--json', 'print the API response as JSON');

export function registerMapCommands(program: Command): void {
  withWindow(program.command('map').description('the service map: every (account, service), inferred peers, calls, their rates, latency, errors and health')).action(
    async (options: WindowOptions) => {
      const map = await new ApiClient(options.url).get<ServiceMapJson>('/api/service-map', { start: options.start, end: options.end, account: options.account });
      printResult(options.json, map, () => renderServiceMap(map));
    },
  );

  withWindow(program.command('propagation').description('where trace context is lost: between which services, how often, example trace ids')).action(
    async (options: WindowOptions) => {
      const report = await new ApiClient(options.url).get<PropagationJson>('/api/propagation', {
        start: options.start,
        end: options.end,
        account: options.account,
      });
      printResult(options.json, report, () =>
        report.findings.length === 0
          ? 'no broken trace context in this window'
          : report.findings.map((f) => `! ${f.message}${f.exampleTraceIds.length > 0 ? `\n    e.g. ${f.exampleTraceIds.join(', ')}` : ''}`).join('\n'),
      );
    },
  );
}
