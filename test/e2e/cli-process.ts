import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const STITCH_BIN = fileURLToPath(new URL('../../packages/cli/bin/stitch.js', import.meta.url));

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

/** A loopback port free now, for a process that must be found on the same port after a restart. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
