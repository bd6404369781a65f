import { readFile } from 'node:fs/promises';
import type { CanaryAnswerJson, CanaryJson, CanaryListJson, CanaryRunJson, CanaryRunRecord, CanaryRunsJson } from '@stitch/api';
import type { Command } from 'commander';
import { ApiClient, CliError } from '../api-client.ts';
import { parseStepSpec } from '../canary-step-spec.ts';
import { DEFAULT_CENTRAL_URL, integerOption, printResult } from './options.ts';

const seconds = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

function renderCanaries(canaries: CanaryJson[], nowMs: number): string {
  if (canaries.length === 0) return 'no canaries yet (stitch canary create --name … --step "GET http://… status=200")';
  const lines = [`canaries (${canaries.length})`];
  for (const canary of canaries) {
    const run = canary.lastRun;
    const verdict = run === null ? 'never' : run.ok ? 'ok' : 'FAIL';
    const last = run === null ? 'not run yet' : `last run ${Math.max(0, Math.round((nowMs - run.startedAtMs) / 1000))} s ago in ${seconds(run.durationMs)}, trace ${run.traceId}`;
    lines.push(`  ${verdict.padEnd(5)} ${canary.id.padEnd(12)} ${canary.name.padEnd(20)} every ${canary.everySeconds} s, ${canary.steps.length} steps   runs ${canary.stats.runs}, failures ${canary.stats.failures}, skipped ${canary.stats.skipped}`);
    lines.push(`        ${last}`);
    if (run && !run.ok) lines.push(`        ! ${run.failure}`);
  }
  return lines.join('\n');
}

/** A run step by step: each step's status, duration, and the assertion that failed. */
export function renderRun(run: CanaryRunRecord): string {
  const lines = [`${run.ok ? 'ok' : 'FAIL'}  ${run.journeyName} in ${seconds(run.durationMs)}  trace ${run.traceId}`];
  for (const step of run.steps) {
    lines.push(`  ${step.ok ? '✓' : '✗'} ${step.name.padEnd(24)} ${step.method} ${step.url}  ${step.status ?? '—'}  ${seconds(step.durationMs)}${step.failure ? `\n      ${step.failure}` : ''}`);
  }
  return lines.join('\n');
}

export function registerCanaryCommands(program: Command): void {
  const canary = program.command('canary').description('synthetic canaries: HTTP journeys central runs on a schedule, each run a trace');

  canary
    .command('list', { isDefault: true })
    .description('every canary with its last run (the default)')
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (options: { url: string; json?: boolean }) => {
      const answer = await new ApiClient(options.url).get<CanaryListJson>('/api/canaries');
      printResult(options.json, answer, () => renderCanaries(answer.canaries, Date.now()));
    });

  canary
    .command('create')
    .description('create a canary from --step options or a journey file (needs the admin token)')
    .option('--name <name>', "the journey's name (its service is canary:<name>)")
    .option('--id <id>', 'its id (default: made by central)')
    .option('--every <seconds>', 'how often it runs', integerOption('--every'), 60)
    .option('--step <spec>', 'a step, in order (repeatable): "METHOD URL [status=200] [maxMs=2000] [contains=TEXT] [header:NAME=VALUE] [json:PATH=VALUE] [timeoutMs=N] [name=NAME]"', (value: string, all: string[] = []) => [...all, value])
    .option('--file <journey.json>', 'the journey as the API takes it: { name, everySeconds, steps: [{ name, method, url, headers?, body?, timeoutMs?, assertions }] }')
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (options: { name?: string; id?: string; every: number; step?: string[]; file?: string; url: string; json?: boolean }) => {
      const journey = options.file === undefined ? journeyFromOptions(options) : await journeyFromFile(options.file);
      const answer = await new ApiClient(options.url).post<CanaryAnswerJson>('/api/canaries', journey);
      printResult(options.json, answer, () => `canary ${answer.canary.id} (${answer.canary.name}) created: ${answer.canary.steps.length} steps every ${answer.canary.everySeconds} s, as service ${answer.canary.service}`);
    });

  canary
    .command('run <id>')
    .description('run a canary now and print its result')
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (id: string, options: { url: string; json?: boolean }) => {
      const answer = await new ApiClient(options.url).post<CanaryRunJson>(`/api/canaries/${encodeURIComponent(id)}/run`, {});
      printResult(options.json, answer, () => renderRun(answer.run));
      if (!answer.run.ok) process.exitCode = 2;
    });

  canary
    .command('runs <id>')
    .description("a canary's recent runs, newest first")
    .option('--limit <n>', 'how many', integerOption('--limit'), 10)
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .option('--json', 'print the API response as JSON')
    .action(async (id: string, options: { url: string; limit: number; json?: boolean }) => {
      const answer = await new ApiClient(options.url).get<CanaryRunsJson>(`/api/canaries/${encodeURIComponent(id)}/runs`, { limit: String(options.limit) });
      printResult(options.json, answer, () => answer.runs.map(renderRun).join('\n') || 'no runs yet');
    });

  canary
    .command('delete <id>')
    .description('delete a canary (its past runs stay as traces)')
    .option('--url <url>', 'central to ask', DEFAULT_CENTRAL_URL)
    .action(async (id: string, options: { url: string }) => {
      await new ApiClient(options.url).delete(`/api/canaries/${encodeURIComponent(id)}`);
      console.log(`canary ${id} deleted`);
    });
}

function journeyFromOptions(options: { name?: string; id?: string; every: number; step?: string[] }): object {
  if (options.name === undefined || !options.step?.length) throw new CliError('canary create: give --name and at least one --step, or --file');
  try {
    return { ...(options.id === undefined ? {} : { id: options.id }), name: options.name, everySeconds: options.every, steps: options.step.map(parseStepSpec) };
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

async function journeyFromFile(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CliError(`${file}: ${(error as Error).message}`);
  }
}
