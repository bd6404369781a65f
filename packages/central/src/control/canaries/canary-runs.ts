import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CanaryRunRecord, CanaryStats } from '@stitch/canary';
import { readTextIfAny, writeFileAtomically } from '../../state/audited-state-file.ts';

/** How many recent runs central keeps per canary (older ones remain as traces). */
export const RUNS_KEPT = 100;

/**
 * The recent runs of each canary, newest last, and its counts since central started. With a
 * file (`<data>/canary-runs.jsonl`) the runs outlive a restart: each run is appended as a line,
 * and the file is rewritten with only the kept runs once it holds twice as many lines.
 */
export class CanaryRuns {
  private readonly runs = new Map<string, CanaryRunRecord[]>();
  private readonly stats = new Map<string, CanaryStats>();
  private linesInFile = 0;
  /** Runs kept but not yet in the file; written one flush after the other. */
  private readonly unwritten: CanaryRunRecord[] = [];
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string | null) {}

  /** The runs kept in `file` (a torn last line, from a crash mid-append, is left out), or none. */
  static async open(file: string | null): Promise<CanaryRuns> {
    const runs = new CanaryRuns(file);
    for (const line of ((await readTextIfAny(file)) ?? '').split('\n')) {
      if (line === '') continue;
      const run = parsedRun(line);
      if (run) runs.keep(run);
      // A line that is not a run (torn, edited by hand) makes the first write a rewrite: an append
      // after a torn line would join it.
      runs.linesInFile += run ? 1 : Number.POSITIVE_INFINITY;
    }
    return runs;
  }

  /** Keeps the run (and writes it to the file; a failed write is logged, the run kept in memory). */
  add(run: CanaryRunRecord, log: (message: string) => void = () => {}): Promise<void> {
    this.keep(run);
    const stats = this.statsOf(run.canaryId);
    stats.runs += 1;
    if (!run.ok) stats.failures += 1;
    if (!this.file) return Promise.resolve();
    this.unwritten.push(run);
    const file = this.file;
    const next = this.writing.then(() => this.flush(file));
    this.writing = next.catch((error: Error) => log(`canary runs: could not write ${file}: ${error.message}`));
    return this.writing;
  }

  skipped(id: string): void {
    this.statsOf(id).skipped += 1;
  }

  /** Newest first. */
  recent(id: string, limit: number = RUNS_KEPT): CanaryRunRecord[] {
    return (this.runs.get(id) ?? []).slice(-limit).reverse();
  }

  last(id: string): CanaryRunRecord | null {
    return this.runs.get(id)?.at(-1) ?? null;
  }

  statsOf(id: string): CanaryStats {
    let stats = this.stats.get(id);
    if (!stats) this.stats.set(id, (stats = { runs: 0, failures: 0, skipped: 0 }));
    return stats;
  }

  /** Drops the runs of a deleted canary (from the file too, at its next rewrite). */
  forget(id: string): void {
    this.runs.delete(id);
    this.stats.delete(id);
  }

  /** Drops the runs of canaries that no longer exist (deleted while central was down, or by hand). */
  keepOnly(ids: ReadonlySet<string>): void {
    for (const id of [...this.runs.keys()]) if (!ids.has(id)) this.forget(id);
  }

  /** Writes in flight, done (tests and shutdown wait on it). */
  settled(): Promise<void> {
    return this.writing;
  }

  private keep(run: CanaryRunRecord): void {
    const list = this.runs.get(run.canaryId) ?? [];
    list.push(run);
    if (list.length > RUNS_KEPT) list.shift();
    this.runs.set(run.canaryId, list);
  }

  /** Appends the runs not yet written, or rewrites the file with the kept runs once it is twice as long. */
  private async flush(file: string): Promise<void> {
    if (this.unwritten.length === 0) return;
    // Taken together, before any await: the kept runs are then exactly the file's and these.
    const lines = this.unwritten.splice(0);
    const rewrite = this.linesInFile + lines.length > 2 * Math.max(1, this.runs.size) * RUNS_KEPT;
    const kept = rewrite ? [...this.runs.values()].flat().sort((a, b) => a.startedAtMs - b.startedAtMs) : [];
    await mkdir(dirname(file), { recursive: true });
    if (rewrite) {
      await writeFileAtomically(file, kept.map((run) => `${JSON.stringify(run)}\n`).join(''));
      this.linesInFile = kept.length;
    } else {
      await appendFile(file, lines.map((run) => `${JSON.stringify(run)}\n`).join(''));
      this.linesInFile += lines.length;
    }
  }
}

function parsedRun(line: string): CanaryRunRecord | null {
  try {
    const run = JSON.parse(line) as CanaryRunRecord;
    return typeof run?.canaryId === 'string' && typeof run.ok === 'boolean' && typeof run.startedAtMs === 'number' && Array.isArray(run.steps) ? run : null;
  } catch {
    return null;
  }
}
