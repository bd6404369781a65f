// `npm run soak [-- --minutes 10 --rate 2500 --out bench/results/soak.json]`: five agents and
// central on loopback under a steady load while central is stopped and killed and an agent is
// killed, each started again; then every acknowledged span is looked for in central, by id.
// Prints a table, writes the JSON; exits 1 when a span was lost or stored twice.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo } from './machine-info.ts';
import { printSections } from './report-table.ts';
import { soakChecks, soakSections, type SoakReport } from './soak-report.ts';
import { runSoak } from './soak-run.ts';

// Central alone stores 13-16k spans/s on the 2-core machine, but here it shares both cores with
// five agents (a gzip and an fsync per batch) and this process (making, encoding and posting the
// traces). At 2,500 spans/s central's steady share stays far under its limit, so what the agents
// spool while it is down (a few seconds' worth) drains while the load goes on: the run measures
// recovering from restarts, not a store that is behind for good.
const DEFAULT_RATE = 2_500;
const DEFAULT_OUT = fileURLToPath(new URL('./results/soak.json', import.meta.url));

const USAGE = `npm run soak -- [options]

  --minutes <n>   how long the load runs (default 10; fractions allowed, e.g. 0.75)
  --rate <n>      spans per second in total, over the five agents (default ${DEFAULT_RATE})
  --clickhouse-shards <n>  central's spans in ClickHouse, n shards started on loopback (default: DuckDB)
  --out <path>    the result file (default bench/results/soak.json)
  --help`;

function positiveNumber(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name}: expected a positive number, got "${text}"`);
  return value;
}

function parseSoakArgs(argv: string[]): { minutes: number; rate: number; clickhouseShards: number; out: string } | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { minutes: { type: 'string' }, rate: { type: 'string' }, 'clickhouse-shards': { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', default: false } },
  });
  if (values.help) return 'help';
  const shards = values['clickhouse-shards'];
  return {
    minutes: positiveNumber('minutes', values.minutes, 10),
    rate: positiveNumber('rate', values.rate, DEFAULT_RATE),
    clickhouseShards: shards === undefined ? 0 : Math.trunc(positiveNumber('clickhouse-shards', shards, 1)),
    out: resolve(values.out ?? DEFAULT_OUT),
  };
}

function writeReport(path: string, report: SoakReport): void {
  mkdirSync(dirname(path), { recursive: true });
  // Through a rename: an interrupted run never leaves half a result.
  writeFileSync(`${path}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseSoakArgs>;
  try {
    args = parseSoakArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args === 'help') {
    console.log(USAGE);
    return;
  }
  const progress = (message: string) => console.error(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}`);
  const result = await runSoak({ durationMs: Math.round(args.minutes * 60_000), spansPerSecond: args.rate, clickhouseShards: args.clickhouseShards, progress });
  const report: SoakReport = { name: 'soak', createdAt: new Date().toISOString(), machine: machineInfo(), result, checks: soakChecks(result) };
  printSections(soakSections(report));
  writeReport(args.out, report);
  const shown = relative(process.cwd(), args.out);
  console.log(`\nwrote ${shown.startsWith('..') ? args.out : shown}`);
  if (result.spans.lost > 0 || result.spans.duplicated > 0) process.exitCode = 1;
}

await main();
