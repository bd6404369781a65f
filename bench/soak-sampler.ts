import { readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { peakRssBytes } from './proc-stats.ts';

export interface SpoolSize {
  batches: number;
  bytes: number;
}

/** The batches an agent has spooled (one `.gz` file each) and their bytes; a missing dir is empty. */
export function spoolSize(dir: string): SpoolSize {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return { batches: 0, bytes: 0 };
  }
  const size = { batches: 0, bytes: 0 };
  for (const name of names) {
    if (!name.endsWith('.gz')) continue;
    size.batches += 1;
    try {
      size.bytes += statSync(join(dir, name)).size;
    } catch {
      // delivered and deleted between the listing and the stat
    }
  }
  return size;
}

export interface SoakPeaks {
  centralRssBytes: number;
  /** Per agent, in the accounts' order, over all its incarnations. */
  agentRssBytes: number[];
  spoolBatches: number[];
  spoolBytes: number[];
  /** Spans made but not yet acknowledged, in the simulated services. */
  exporterBacklogSpans: number;
  /** The machine's busiest minute (1-minute load average): more than its cores means others ran too. */
  loadAverage1m: number;
}

export interface SampledSources {
  centralPid: () => number | null;
  agentPids: Array<() => number | null>;
  spoolDirs: readonly string[];
  backlogSpans: () => number;
}

/** A process's peak RSS so far (VmHWM, which also catches peaks between two samples); 0 once it is gone. */
function peakRssOf(pid: number | null): number {
  if (pid === null) return 0;
  try {
    return peakRssBytes(pid);
  } catch {
    return 0;
  }
}

/** Samples memory, spools and backlog every `intervalMs`, keeping the peaks. */
export class PeakSampler {
  readonly peaks: SoakPeaks;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sources: SampledSources,
    intervalMs = 1_000,
  ) {
    const zeros = () => sources.agentPids.map(() => 0);
    this.peaks = { centralRssBytes: 0, agentRssBytes: zeros(), spoolBatches: zeros(), spoolBytes: zeros(), exporterBacklogSpans: 0, loadAverage1m: 0 };
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Samples once more (a process about to be killed) and keeps the peaks. */
  sample(): void {
    const { peaks, sources } = this;
    peaks.centralRssBytes = Math.max(peaks.centralRssBytes, peakRssOf(sources.centralPid()));
    sources.agentPids.forEach((pid, i) => (peaks.agentRssBytes[i] = Math.max(peaks.agentRssBytes[i]!, peakRssOf(pid()))));
    sources.spoolDirs.forEach((dir, i) => {
      const size = spoolSize(dir);
      peaks.spoolBatches[i] = Math.max(peaks.spoolBatches[i]!, size.batches);
      peaks.spoolBytes[i] = Math.max(peaks.spoolBytes[i]!, size.bytes);
    });
    peaks.exporterBacklogSpans = Math.max(peaks.exporterBacklogSpans, sources.backlogSpans());
    peaks.loadAverage1m = Math.max(peaks.loadAverage1m, Math.round(loadavg()[0]! * 100) / 100);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
