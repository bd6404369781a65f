import { randomInt } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { onExit } from './exit-cleanup.ts';
import { summarizeLatencies, type LatencySummary } from './latency-stats.ts';
import type { KillSignal, RestartableProcess, RestartRecord } from './restartable-process.ts';
import { startSoakCluster, type SoakCluster } from './soak-cluster.ts';
import { SoakLoad } from './soak-load.ts';
import { PeakSampler, spoolSize, type SoakPeaks, type SpoolSize } from './soak-sampler.ts';
import { SOAK_ACCOUNTS } from './soak-traces.ts';
import { SpanLedger } from './span-ledger.ts';
import { countStoredSpans, type AccountCount, type StoredSpanCount } from './stored-span-count.ts';
import { recountFigures, type FiguresRecount } from '@stitch/test-support/central';
import { startClickHouse } from '@stitch/test-support/clickhouse';

export interface SoakOptions {
  durationMs: number;
  /** In total, over the five agents. */
  spansPerSecond: number;
  /** Service instances (exporters) per account. */
  instancesPerAccount?: number;
  exportIntervalMs?: number;
  /** A supervisor's delay before starting central again once the old one has exited. */
  centralRestartDelayMs?: number;
  /** How long the killed agent stays down before it is started again on its spool. */
  agentDownMs?: number;
  /** Index in SOAK_ACCOUNTS of the agent that is SIGKILLed. */
  killedAgent?: number;
  /** After the load: how long the exporters may take to settle what they hold, and the agents to empty their spools. */
  settleTimeoutMs?: number;
  drainTimeoutMs?: number;
  /** 0: central's spans in DuckDB; N: in ClickHouse, N shards started on loopback for the run. */
  clickhouseShards?: number;
  progress?: (message: string) => void;
}

export interface SoakRestart extends RestartRecord {
  /** Seconds into the load when the signal was sent, and when the schedule wanted it. */
  atSeconds: number;
  plannedAtSeconds: number;
}

export interface SoakResult {
  parameters: Required<Omit<SoakOptions, 'progress'>>;
  startedAt: string;
  /** Traces were made for this long; the exporters settled what they held within `settleSeconds` more. */
  loadSeconds: number;
  settleSeconds: number;
  spans: {
    generated: number;
    /** Spans carried by every POST to an agent, retries included. */
    attempted: number;
    posts: number;
    /** Batches acknowledged after an earlier POST of the same bytes got no answer (see ExportTally). */
    batchesAcknowledgedAfterNoAnswer: number;
    /** Answered 200 by an agent (each span once). */
    acknowledged: number;
    refused: number;
    abandoned: number;
    /** Rows in central; distinct span ids among them; rows beyond the first of an id. */
    stored: number;
    distinctStored: number;
    duplicated: number;
    /** Acknowledged and not stored. */
    lost: number;
    storedUnacknowledged: number;
    foreignRows: number;
  };
  byAccount: Array<{ account: string } & AccountCount>;
  /** The first lost and duplicated span ids, to look up. */
  examples: StoredSpanCount['examples'];
  /** Acknowledged spans over the time from the first trace to the last acknowledgement. */
  acknowledgedSpansPerSecond: number;
  postStatusCounts: Record<string, number>;
  firstRefusal: string | null;
  agentPostMs: LatencySummary | null;
  restarts: SoakRestart[];
  /** The agents' spools when the exporters had settled, and how long they took to empty. */
  spoolsAfterLoad: SpoolSize[];
  drainSeconds: number;
  drained: boolean;
  peaks: SoakPeaks;
  /** From the agents' logs: batches central refused (dropped by the agent) and batches dropped from a full spool. */
  agentLog: { batchesRefusedByCentral: number; spoolFullDrops: number };
  /** The map's, span metrics' and usage's counts as central stored them, and as counted again from the stored spans. */
  figures: FiguresRecount;
  /** Where the data and logs were kept, when exactly-once failed (else removed). */
  keptDir: string | null;
}

interface ScheduledRestart {
  fraction: number;
  target: (cluster: SoakCluster) => RestartableProcess;
  signal: KillSignal;
  downMs: number;
}

const elapsedSeconds = (sinceMs: number) => Math.round((Date.now() - sinceMs) / 100) / 10;

const countMatches = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

async function waitUntil(condition: () => boolean, timeoutMs: number, pollMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(pollMs);
  }
  return true;
}

/**
 * Five agents and central under a steady load while central is stopped (SIGTERM) and later
 * killed (SIGKILL), each time started again, and one agent is killed and started again on its
 * spool. Then the load stops, the spools drain, everything stops, and central's store is
 * counted by span id against what the agents acknowledged.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const parameters: SoakResult['parameters'] = {
    durationMs: options.durationMs,
    spansPerSecond: options.spansPerSecond,
    instancesPerAccount: options.instancesPerAccount ?? 4,
    exportIntervalMs: options.exportIntervalMs ?? 500,
    centralRestartDelayMs: options.centralRestartDelayMs ?? 1_000,
    agentDownMs: options.agentDownMs ?? 3_000,
    killedAgent: options.killedAgent ?? 1,
    settleTimeoutMs: options.settleTimeoutMs ?? 120_000,
    drainTimeoutMs: options.drainTimeoutMs ?? 180_000,
    clickhouseShards: options.clickhouseShards ?? 0,
  };
  const progress = options.progress ?? (() => {});
  const root = mkdtempSync(join(tmpdir(), 'stitch-soak-'));
  const forgetRoot = onExit(() => rmSync(root, { recursive: true, force: true }));
  let keptDir: string | null = null;
  const clickhouse = parameters.clickhouseShards > 0 ? await startClickHouse({ shards: parameters.clickhouseShards, dir: join(root, 'clickhouse') }) : null;
  progress(`starting central${clickhouse ? ` (on ClickHouse, ${parameters.clickhouseShards} shards)` : ''} and ${SOAK_ACCOUNTS.length} agents in ${root}`);
  const cluster = await startSoakCluster(root, SOAK_ACCOUNTS, clickhouse?.urls);
  const ledger = new SpanLedger();
  const salt = randomInt(1, 0xffff_ffff);
  let load: SoakLoad | null = null;
  let sampler: PeakSampler | null = null;
  let ticker: NodeJS.Timeout | null = null;
  try {
    const startedAt = new Date().toISOString();
    const startedMs = Date.now();
    const activeLoad = (load = new SoakLoad({ agentUrls: cluster.agentUrls, spansPerSecond: parameters.spansPerSecond, instancesPerAccount: parameters.instancesPerAccount, exportIntervalMs: parameters.exportIntervalMs, maxExportSpans: 512, salt, ledger }));
    const activeSampler = (sampler = new PeakSampler({
      centralPid: () => cluster.central.pid,
      agentPids: cluster.agents.map((agent) => () => agent.pid),
      spoolDirs: cluster.spoolDirs,
      backlogSpans: () => activeLoad.backlogSpans(),
    }));
    const spooled = () => cluster.spoolDirs.reduce((sum, dir) => sum + spoolSize(dir).batches, 0);
    progress(`load: ${parameters.spansPerSecond} spans/s for ${parameters.durationMs / 1_000} s through ${SOAK_ACCOUNTS.length} agents, ${parameters.instancesPerAccount} exporters each`);
    ticker = setInterval(
      () => progress(`${elapsedSeconds(startedMs)} s: ${activeLoad.tally.acknowledgedSpans.toLocaleString('en-US')} spans acknowledged, ${activeLoad.backlogSpans().toLocaleString('en-US')} waiting in the exporters, ${spooled()} batches spooled`),
      Math.min(30_000, Math.max(5_000, parameters.durationMs / 10)),
    );

    const schedule: ScheduledRestart[] = [
      { fraction: 1 / 3, target: (c) => c.central, signal: 'SIGTERM', downMs: parameters.centralRestartDelayMs },
      { fraction: 1 / 2, target: (c) => c.agents[parameters.killedAgent]!, signal: 'SIGKILL', downMs: parameters.agentDownMs },
      { fraction: 2 / 3, target: (c) => c.central, signal: 'SIGKILL', downMs: parameters.centralRestartDelayMs },
    ];
    const restarts: SoakRestart[] = [];
    for (const planned of schedule) {
      const plannedAtMs = startedMs + planned.fraction * parameters.durationMs;
      await sleep(Math.max(0, plannedAtMs - Date.now()));
      const target = planned.target(cluster);
      activeSampler.sample(); // its memory, just before it goes
      const atSeconds = elapsedSeconds(startedMs);
      progress(`${atSeconds} s: ${planned.signal} to ${target.name}`);
      const record = await target.restart(planned.signal, planned.downMs);
      progress(`${elapsedSeconds(startedMs)} s: ${target.name} is back (exited after ${record.stoppedAfterMs} ms with ${record.exit}, down ${record.downtimeMs} ms)`);
      restarts.push({ ...record, atSeconds, plannedAtSeconds: Math.round((plannedAtMs - startedMs) / 100) / 10 });
    }
    await sleep(Math.max(0, startedMs + parameters.durationMs - Date.now()));

    const loadSeconds = (Date.now() - startedMs) / 1_000;
    progress(`${elapsedSeconds(startedMs)} s: load stopped; the exporters settle what they hold (${activeLoad.backlogSpans()} spans)`);
    await activeLoad.stop(Date.now() + parameters.settleTimeoutMs);
    const settledMs = Date.now();
    const spoolsAfterLoad = cluster.spoolDirs.map(spoolSize);
    progress(`${elapsedSeconds(startedMs)} s: exporters settled; waiting for ${spooled()} spooled batches to reach central`);
    const drained = await waitUntil(() => spooled() === 0, parameters.drainTimeoutMs);
    const drainSeconds = (Date.now() - settledMs) / 1_000;
    clearInterval(ticker);
    activeSampler.sample();
    activeSampler.stop();
    progress(`${elapsedSeconds(startedMs)} s: ${drained ? 'spools empty' : 'spools NOT empty'}; stopping the agents and central, then counting in central's store`);
    await cluster.stop();

    const stored = await countStoredSpans(cluster.spanCopies(), ledger, salt, SOAK_ACCOUNTS.length);
    const store = await cluster.openStore();
    const figures = await recountFigures(store).finally(() => store.close());
    const { tally } = activeLoad;
    const agentOutput = cluster.agents.map((agent) => agent.output()).join('');
    const miscounted = (['map', 'metrics', 'usage'] as const).some((part) => !isDeepStrictEqual(figures[part].stored, figures[part].recount));
    if (stored.lost > 0 || stored.duplicated > 0 || !drained || miscounted) {
      keptDir = root;
      for (const process of [cluster.central, ...cluster.agents]) writeFileSync(join(root, `${process.name.replace(' ', '-')}.log`), process.output());
    }
    return {
      parameters,
      startedAt,
      loadSeconds: Math.round(loadSeconds * 10) / 10,
      settleSeconds: Math.round((settledMs - startedMs) / 100 - loadSeconds * 10) / 10,
      spans: {
        generated: ledger.size,
        attempted: tally.spansAttempted,
        posts: tally.posts,
        batchesAcknowledgedAfterNoAnswer: tally.acknowledgedAfterNoAnswer,
        acknowledged: tally.acknowledgedSpans,
        refused: tally.refusedSpans,
        abandoned: tally.abandonedSpans,
        stored: stored.rows,
        distinctStored: stored.distinct,
        duplicated: stored.duplicated,
        lost: stored.lost,
        storedUnacknowledged: stored.storedUnacknowledged,
        foreignRows: stored.foreignRows,
      },
      byAccount: stored.byAccount.map((count, i) => ({ account: SOAK_ACCOUNTS[i]!.name, ...count })),
      examples: stored.examples,
      acknowledgedSpansPerSecond: Math.round(tally.acknowledgedSpans / ((settledMs - startedMs) / 1_000)),
      postStatusCounts: tally.statusCounts,
      firstRefusal: tally.firstRefusal,
      agentPostMs: summarizeLatencies(tally.acknowledgedPostMs),
      restarts,
      spoolsAfterLoad,
      drainSeconds: Math.round(drainSeconds * 10) / 10,
      drained,
      peaks: activeSampler.peaks,
      agentLog: { batchesRefusedByCentral: countMatches(agentOutput, /central refused a batch/g), spoolFullDrops: countMatches(agentOutput, /spool full/g) },
      figures,
      keptDir,
    };
  } finally {
    if (ticker) clearInterval(ticker);
    sampler?.stop();
    await load?.stop(Date.now());
    await cluster.stop();
    await clickhouse?.stop();
    if (keptDir === null) rmSync(root, { recursive: true, force: true });
    forgetRoot();
  }
}
