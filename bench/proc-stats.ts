import { readFileSync } from 'node:fs';

// Linux only: central runs as a child process so its memory and CPU time can be read from
// /proc without the load generator's own counted in.

/** USER_HZ, the unit of /proc/<pid>/stat times: fixed at 100 by the Linux ABI on x86 and arm64. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Peak resident set size (VmHWM) of a running process, in bytes. */
export function peakRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** User + system CPU seconds a process (all its threads) has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(fields[14 - 3]);
  const systemTicks = Number(fields[15 - 3]);
  return (userTicks + systemTicks) / CLOCK_TICKS_PER_SECOND;
}

/** User + system CPU seconds this process has used so far. */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/**
 * Waits until a process spends under `idleCores` over a `stepMs` step (its start-up work done),
 * for at most `limitMs`: the seconds it took, or null when it was still busy at the limit.
 */
export async function settledSeconds(pid: number, options: { idleCores: number; stepMs: number; limitMs: number }): Promise<number | null> {
  const started = performance.now();
  let cpu = cpuSeconds(pid);
  while (performance.now() - started < options.limitMs) {
    await new Promise((resolve) => setTimeout(resolve, options.stepMs));
    const now = cpuSeconds(pid);
    if ((now - cpu) / (options.stepMs / 1_000) < options.idleCores) return Math.round((performance.now() - started) / 100) / 10;
    cpu = now;
  }
  return null;
}
