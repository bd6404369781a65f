import { readFile } from 'node:fs/promises';
import type { SamplingRuleAddedJson, SamplingRulesJson, SamplingVersionJson } from '@stitch/api';
import type { Command } from 'commander';
import { ApiClient, CliError } from '../api-client.ts';
import { DEFAULT_CENTRAL_URL, integerOption, printResult } from './options.ts';

const timeLeft = (seconds: number | null) => (seconds === null ? '' : `  (${seconds >= 60 ? `${Math.round(seconds / 60)} min` : `${seconds} s`} left)`);

function renderRules(answer: SamplingRulesJson): string {
  const lines = [`sampling rules, version ${answer.version}, in evaluation order`];
  for (const rule of answer.rules) {
    const criteria = [`service ${rule.serviceName}`, `${rule.httpMethod} ${rule.urlPath}`, `host ${rule.host}`, ...Object.entries(rule.attributes).map(([k, v]) => `${k}=${v}`)].join(', ');
    lines.push(`  ${String(rule.priority).padStart(5)}  ${rule.name.padEnd(20)} ${`${rule.fixedTarget}/s then ${Math.round(rule.rate * 1000) / 10}%`.padEnd(18)} ${criteria}${timeLeft(rule.expiresInSeconds)}`);
  }
  return lines.join('\n');
}

export function registerSamplingCommands(program: Command): void {
  const sampling = program.command('sampling').description("the fleet's sampling rules (X-Ray's fields and meaning)");

  sampling
    .command('list')
    .description('the live rules in evaluation order, temporary ones with the time left')
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .option('--local-file', 'print the rules as an X-Ray local rules file (version 2)')
    .action(async (options: { url: string; json?: boolean; localFile?: boolean }) => {
      const client = new ApiClient(options.url);
      if (options.localFile) return console.log(JSON.stringify(await client.get('/api/sampling/rules', { format: 'local' }), null, 2));
      const answer = await client.get<SamplingRulesJson>('/api/sampling/rules');
      printResult(options.json, answer, () => renderRules(answer));
    });

  sampling
    .command('apply <file>')
    .description('replace every rule with those of an X-Ray local rules file (version 2)')
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (file: string, options: { url: string; json?: boolean }) => {
      let content: unknown;
      try {
        content = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        throw new CliError(`${file}: ${(error as Error).message}`);
      }
      const answer = await new ApiClient(options.url).put<SamplingRulesJson>('/api/sampling/rules', content);
      printResult(options.json, answer, () => renderRules(answer));
    });

  sampling
    .command('add <name>')
    .description('add one rule; with --for it is temporary (removed at its expiry)')
    .requiredOption('--priority <n>', 'lower is evaluated first', integerOption('--priority'))
    .requiredOption('--fixed-target <n>', 'requests per second sampled first (the reservoir)', integerOption('--fixed-target'))
    .requiredOption('--rate <share>', 'share of the rest sampled, 0 to 1', Number)
    .option('--service <pattern>', 'service name', '*')
    .option('--method <pattern>', 'HTTP method', '*')
    .option('--path <pattern>', 'URL path', '*')
    .option('--host <pattern>', 'host', '*')
    .option('--attribute <key=pattern>', 'a request attribute (repeatable)', (value: string, all: string[] = []) => [...all, value])
    .option('--for <duration>', 'a temporary rule: 30m, 2h, …')
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (name: string, options: Record<string, unknown>) => {
      const attributes: Record<string, string> = {};
      for (const pair of (options.attribute as string[] | undefined) ?? []) {
        const at = pair.indexOf('=');
        if (at <= 0) throw new CliError(`--attribute: expected key=pattern, got "${pair}"`);
        attributes[pair.slice(0, at)] = pair.slice(at + 1);
      }
      const answer = await new ApiClient(options.url as string).post<SamplingRuleAddedJson>('/api/sampling/rules', {
        name,
        priority: options.priority,
        fixedTarget: options.fixedTarget,
        rate: options.rate,
        serviceName: options.service,
        httpMethod: options.method,
        urlPath: options.path,
        host: options.host,
        attributes,
        ...(options.for === undefined ? {} : { for: options.for }),
      });
      printResult(options.json as boolean | undefined, answer, () => `rule ${answer.rule.name} added (version ${answer.version})${timeLeft(answer.rule.expiresInSeconds)}`);
    });

  sampling
    .command('delete <name>')
    .description('delete one rule')
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .action(async (name: string, options: { url: string }) => {
      const answer = await new ApiClient(options.url).delete<SamplingVersionJson>(`/api/sampling/rules/${encodeURIComponent(name)}`);
      console.log(`rule ${name} deleted (version ${answer.version})`);
    });
}
