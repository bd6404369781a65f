import type { ReadTokenIssuedJson, ReadTokenJson, ReadTokensJson, ServerTokenRotatedJson } from '@stitch/api';
import type { Command } from 'commander';
import { ApiClient } from '../api-client.ts';
import { DEFAULT_CENTRAL_URL, printResult } from './options.ts';

const scopeOf = (info: ReadTokenJson) => (info.accounts === null ? 'every account' : `accounts ${info.accounts.join(', ')}`);
const list = (text: string) => text.split(',').map((item) => item.trim()).filter(Boolean);

/** `stitch token …`: read tokens (some scoped to accounts), and rotating central's own tokens. Needs the admin token (STITCH_TOKEN). */
export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description("read tokens, scoped to accounts or not, and rotating central's admin and read tokens (admin token needed)");
  token
    .command('create')
    .requiredOption('--read', 'a read token (the only kind made here; links send data)')
    .option('--accounts <ids>', 'the accounts it reads, comma-separated (default: every account)')
    .option('--url <url>', 'central', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (options: { read: true; accounts?: string; url: string; json?: boolean }) => {
      const body = options.accounts === undefined ? {} : { accounts: list(options.accounts) };
      const result = await new ApiClient(options.url).post<ReadTokenIssuedJson>('/api/tokens', body);
      printResult(options.json, result, () => `read token ${result.info.id}: reads ${scopeOf(result.info)}\ntoken (shown once, keep it secret): ${result.token}`);
    });
  token
    .command('list')
    .option('--url <url>', 'central', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (options: { url: string; json?: boolean }) => {
      const result = await new ApiClient(options.url).get<ReadTokensJson>('/api/tokens');
      printResult(options.json, result, () =>
        result.tokens.map((t) => `${t.id}  reads ${scopeOf(t)}  created ${t.createdAt}${t.rotatedAt ? `  rotated ${t.rotatedAt}` : ''}  last used ${t.lastUsedAt ?? 'never'}`).join('\n') || 'no read tokens (besides the one central may be started with)',
      );
    });
  token
    .command('revoke <id>')
    .description('refuse this token from the next request')
    .option('--url <url>', 'central', DEFAULT_CENTRAL_URL)
    .action(async (id: string, options: { url: string }) => {
      await new ApiClient(options.url).delete(`/api/tokens/${encodeURIComponent(id)}`);
      console.log(`read token ${id} revoked`);
    });
  token
    .command('rotate <id>')
    .description('a new secret for this read token (same scope), or for central\'s own: "admin" or "read"; the old one is refused from the next request')
    .option('--url <url>', 'central', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (id: string, options: { url: string; json?: boolean }) => {
      const result = await new ApiClient(options.url).post<ReadTokenIssuedJson | ServerTokenRotatedJson>(`/api/tokens/${encodeURIComponent(id)}/rotate`, {});
      printResult(options.json, result, () => `${'info' in result ? `read token ${id}: reads ${scopeOf(result.info)}` : `central's ${id} token rotated`}\nnew token (shown once, keep it secret): ${result.token}`);
    });
}
