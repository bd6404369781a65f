import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { startStitch, type StartedProcess } from '@stitch/test-support/cli-process';
import { onExit } from './exit-cleanup.ts';

export type KillSignal = 'SIGTERM' | 'SIGKILL';

export interface RestartRecord {
  process: string;
  signal: KillSignal;
  oldPid: number;
  newPid: number;
  /** How the old process ended. */
  exit: string;
  /** Signal to exit. */
  stoppedAfterMs: number;
  /** Signal to the new process being ready: how long nothing listened. */
  downtimeMs: number;
}

// A restart after a SIGKILL replays DuckDB's write-ahead log: more than a cold start, within reason.
const READY_TIMEOUT_MS = 120_000;

function exitOf(child: ChildProcess): Promise<string> {
  const describe = () => (child.signalCode !== null ? child.signalCode : `code ${child.exitCode}`);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(describe());
  return once(child, 'exit').then(describe);
}

/**
 * One `stitch` process (central, an agent) that can be killed and started again on the same
 * ports, data and spool, as a supervisor would. Never outlives the soak: killed at exit.
 */
export class RestartableProcess {
  private current: StartedProcess | null = null;
  private forgetCleanup: () => void = () => {};
  private readonly pastOutput: string[] = [];

  constructor(
    readonly name: string,
    private readonly args: string[],
    private readonly ready: RegExp,
  ) {}

  /** The running process's pid; null while it is down. */
  get pid(): number | null {
    const child = this.current?.child;
    return child && child.exitCode === null && child.signalCode === null ? (child.pid ?? null) : null;
  }

  /** What every incarnation printed so far, oldest first. */
  output(): string {
    return [...this.pastOutput, this.current?.output() ?? ''].join('');
  }

  async start(): Promise<void> {
    const started = await startStitch(this.args, this.ready, READY_TIMEOUT_MS);
    this.current = started;
    this.forgetCleanup = onExit(() => started.child.kill('SIGKILL'));
  }

  /** Sends `signal`, waits for the exit, waits `downMs` more (a supervisor's delay), starts it again. */
  async restart(signal: KillSignal, downMs: number): Promise<RestartRecord> {
    const old = this.current!;
    const oldPid = old.child.pid!;
    const signalled = performance.now();
    old.child.kill(signal);
    const exit = await exitOf(old.child);
    const stoppedAfterMs = performance.now() - signalled;
    this.retire(old);
    await sleep(downMs);
    await this.start();
    return { process: this.name, signal, oldPid, newPid: this.current!.child.pid!, exit, stoppedAfterMs: Math.round(stoppedAfterMs), downtimeMs: Math.round(performance.now() - signalled) };
  }

  /** SIGINT (a clean stop), SIGKILL if that takes longer than `timeoutMs`. */
  async stop(timeoutMs: number): Promise<string> {
    const old = this.current;
    if (!old) return 'not running';
    old.child.kill('SIGINT');
    const timer = setTimeout(() => old.child.kill('SIGKILL'), timeoutMs);
    const exit = await exitOf(old.child);
    clearTimeout(timer);
    this.retire(old);
    return exit;
  }

  private retire(old: StartedProcess): void {
    this.pastOutput.push(old.output());
    this.current = null;
    this.forgetCleanup();
  }
}
