import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface ZeroCodeProcess {
  name: string;
  /** Resolves with the first line of output matching `pattern` (earlier lines included). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Writes one line to the process's stdin. */
  writeLine(line: string): void;
  /** Everything it printed so far (for failure messages). */
  output(): string;
  /** SIGTERM (the auto mode flushes, then ends the process), SIGKILL after `graceMs`; resolves with how it ended. */
  stop(graceMs?: number): Promise<ProcessEnd>;
}

export interface ProcessEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** It had to be killed: it did not end within the grace period. */
  forced: boolean;
}

/**
 * Starts `node --import tsx --import @stitch/sdk/auto <script>` from the repository root, as a
 * user would run a service with no tracing code: only `env` configures it (the test runner's own
 * environment is not passed on, so no OTEL_* or NODE_OPTIONS of the caller changes what is tested).
 */
export function startZeroCode(name: string, script: string, env: Record<string, string>): ZeroCodeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', '@stitch/sdk/auto', fileURLToPath(script)], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      for (const check of waiters) check();
    });
  }
  let forced = false;
  const exited = new Promise<ProcessEnd>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, forced })));
  const running = () => child.exitCode === null && child.signalCode === null;
  void exited.then(() => {
    for (const check of waiters) check();
  });

  return {
    name,
    output: () => lines.join('\n'),
    writeLine: (line) => child.stdin.write(`${line}\n`),
    waitForLine(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`${name} printed no line matching ${pattern} within ${timeoutMs} ms:\n${lines.join('\n')}`)), timeoutMs);
        const finish = (error: Error | null, match?: RegExpMatchArray) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolve(match!);
        };
        const check = () => {
          for (const line of lines) {
            const match = line.match(pattern);
            if (match) return finish(null, match);
          }
          if (!running()) finish(new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}:\n${lines.join('\n')}`));
        };
        waiters.add(check);
        check();
      });
    },
    async stop(graceMs = 5_000) {
      if (running()) child.kill('SIGTERM');
      const timer = setTimeout(() => {
        forced = true;
        child.kill('SIGKILL');
      }, graceMs);
      const end = await exited;
      clearTimeout(timer);
      return end;
    },
  };
}
