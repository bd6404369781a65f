import type { LinkCreatedJson, LinksJson, SinkCreatedJson, SinksJson } from '@stitch/api';
import type { Command } from 'commander';
import { ApiClient } from '../api-client.ts';
import { collect, DEFAULT_CENTRAL_URL, integerOption, printResult } from './options.ts';

const list = (text: string) => text.split(',').map((item) => item.trim()).filter(Boolean);

/** `stitch sink …` and `stitch link …`: who may share what with this central. */
export function registerLinkCommands(program: Command): void {
  const sink = program.command('sink').description('sinks: which source accounts may link to this central, and what they may share');
  sink
    .command('create <name>')
    .option('--accounts <ids>', 'account ids allowed to link, comma-separated, or *', '*')
    .option('--types <types>', 'telemetry types they may share: traces, logs, metrics', 'traces')
    .option('--url <url>', 'central', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (name: string, options: { accounts: string; types: string; url: string; json?: boolean }) => {
      const result = await new ApiClient(options.url).post<SinkCreatedJson>('/api/sinks', { name, allowedAccounts: list(options.accounts), types: list(options.types) });
      printResult(options.json, result, () => `sink ${result.sink.id} "${result.sink.name}": accounts ${result.sink.allowedAccounts.join(', ')}; types ${result.sink.types.join(', ')}`);
    });
  sink
    .command('list')
    .option('--url <url>', 'central', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (options: { url: string; json?: boolean }) => {
      const result = await new ApiClient(options.url).get<SinksJson>('/api/sinks');
      printResult(options.json, result, () => result.sinks.map((s) => `${s.id}  ${s.name.padEnd(24)} accounts ${s.allowedAccounts.join(', ')}  types ${s.types.join(', ')}`).join('\n') || 'no sinks');
    });
  sink
    .command('delete <sinkId>')
    .description('delete a sink and every link to it')
    .option('--url <url>', 'central', DEFAULT_CENTRAL_URL)
    .action(async (sinkId: string, options: { url: string }) => {
      await new ApiClient(options.url).delete(`/api/sinks/${encodeURIComponent(sinkId)}`);
      console.log(`sink ${sinkId} deleted; its links no longer send`);
    });

  const link = program.command('link').description("links: a source account's credential to send to a sink");
  link
    .command('create')
    .requiredOption('--sink <sinkId>', 'the sink to link to')
    .requiredOption('--account-id <id>', 'the source account')
    .requiredOption('--account-name <name>', 'its name')
    .option('--types <types>', 'what it shares: traces, logs, metrics', 'traces')
    .option('--label-template <template>', 'how views name the account ($AccountName, $AccountId)', '$AccountName')
    .option('--rate <n>', 'requests per second the link may send', integerOption('--rate'), 500)
    .option('--can-change-sampling', 'let the account add temporary sampling rules for its own services (24h at most) and delete those, with its link token')
    .option('--allow-read-url <entry>', "federated mode: where central may read this account's agent (an exact URL, host:port, an address or a CIDR; repeatable)", collect, [])
    .option('--url <url>', 'central', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (options: { sink: string; accountId: string; accountName: string; types: string; labelTemplate: string; rate: number; canChangeSampling?: boolean; allowReadUrl: string[]; url: string; json?: boolean }) => {
      const result = await new ApiClient(options.url).post<LinkCreatedJson>(`/api/sinks/${encodeURIComponent(options.sink)}/links`, {
        accountId: options.accountId,
        accountName: options.accountName,
        types: list(options.types),
        labelTemplate: options.labelTemplate,
        requestsPerSecond: options.rate,
        canChangeSampling: options.canChangeSampling ?? false,
        allowReadUrls: options.allowReadUrl,
      });
      printResult(options.json, result, () => `link ${result.link.id}: account ${result.link.accountId} as "${result.link.label}"\ntoken (shown once, keep it secret): ${result.token}`);
    });
  link
    .command('list')
    .option('--url <url>', 'central', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (options: { url: string; json?: boolean }) => {
      const result = await new ApiClient(options.url).get<LinksJson>('/api/links');
      printResult(options.json, result, () =>
        result.links.map((l) => `${l.id}  ${l.accountId.padEnd(14)} ${l.label.padEnd(28)} sink ${l.sinkId}  ${l.types.join(',')}${l.allowReadUrls?.length ? `  read at ${l.allowReadUrls.join(' ')}` : ''}${l.revokedAt ? `  deleted ${l.revokedAt}` : ''}`).join('\n') || 'no links',
      );
    });
  link
    .command('delete <linkId>')
    .description("stop an account's sharing at once (recorded in the audit log)")
    .option('--url <url>', 'central', DEFAULT_CENTRAL_URL)
    .action(async (linkId: string, options: { url: string }) => {
      await new ApiClient(options.url).delete(`/api/links/${encodeURIComponent(linkId)}`);
      console.log(`link ${linkId} deleted; its token is refused from now on`);
    });
}
