import { join } from 'node:path';
import { LinkRegistry } from '../access/links/link-registry.ts';
import { AlarmRegistry } from '../control/alarms/alarm-registry.ts';
import { CanaryRegistry } from '../control/canaries/canary-registry.ts';
import { CanaryRuns } from '../control/canaries/canary-runs.ts';
import { PriceBook } from '../control/cost/price-book.ts';
import { SamplingRegistry } from '../control/sampling/sampling-registry.ts';
import { SloRegistry } from '../control/slo/slo-registry.ts';

/** The files of central's data folder (each registry writes its own, with an audit log beside it). */
export const DATA_FILES = {
  /** The embedded store (DuckDB). */
  store: 'stitch.duckdb',
  links: 'links.json',
  sampling: 'sampling.json',
  alarms: 'alarms.json',
  prices: 'prices.json',
  canaries: 'canaries.json',
  canaryRuns: 'canary-runs.jsonl',
  slos: 'slos.json',
  tokens: 'tokens.json',
  /** Accepted requests not yet stored (ingest-log.ts). */
  ingestLog: 'ingest-log',
} as const;

/** Where one of central's files is in its data folder; null for a central kept in memory. */
export function dataFile(dir: string | null, file: keyof typeof DATA_FILES): string | null {
  return dir === null ? null : join(dir, DATA_FILES[file]);
}

/** Central's registries, read from its data folder (in memory when `dir` is null): what startCentral takes beside its store. */
export async function openCentralState(dir: string | null) {
  return {
    links: await LinkRegistry.open(dataFile(dir, 'links')),
    sampling: await SamplingRegistry.open(dataFile(dir, 'sampling')),
    prices: await PriceBook.open(dataFile(dir, 'prices')),
    canaries: await CanaryRegistry.open(dataFile(dir, 'canaries')),
    canaryRuns: await CanaryRuns.open(dataFile(dir, 'canaryRuns')),
    slos: await SloRegistry.open(dataFile(dir, 'slos')),
    alarmRules: await AlarmRegistry.open(dataFile(dir, 'alarms')),
    tokensFile: dataFile(dir, 'tokens'),
    ingestLogDir: dataFile(dir, 'ingestLog'),
  };
}
