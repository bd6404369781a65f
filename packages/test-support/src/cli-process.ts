import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const STITCH_BIN = fileURLToPath(new URL('../../cli/bin/stitch.js', import.meta.url));

export interface StartedProcess {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  stop(): Promise<number | null>;
}

/** Starts `stitch <args>` and resolves once its output matches `ready`. */
export function startStitch(args: string[], ready: RegExp, timeoutMs = 30_000, env: Record<string, string> = {}): Promise<StartedProcess & { match: RegExpMatchArray }> {
  const child = spawn(process.execPath, [STITCH_BIN, ...args], { stdio: 'pipe', env: { ...process.env, ...env } });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGINT');
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`stitch ${args.join(' ')} did not print ${ready} within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ child, output: () => output, stop, match });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`stitch ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

/** Runs `stitch <args>` to completion; `env` adds to this process's environment. */
export function runStitch(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [STITCH_BIN, ...args], { stdio: 'pipe', env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

/** Ports this process handed out: never twice. */
const handedOut = new Set<number>();

/**
 * A loopback port free now, for a process that must be found on the same port after a restart.
 * Below the kernel's ephemeral range (32768 and up): a port from there can be taken, before the
 * process binds it or while it restarts, by any outgoing connection or by a test listening on
 * port 0 beside this one.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!free) continue;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }
}
