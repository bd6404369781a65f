import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onExit } from './exit-cleanup.ts';

const STITCH_BIN = fileURLToPath(new URL('../packages/cli/bin/stitch.js', import.meta.url));
const READY = /listening on (http:\/\/\S+)/;
const START_TIMEOUT_MS = 60_000;
// Closing checkpoints the DuckDB file, which can take a while after millions of spans.
const STOP_TIMEOUT_MS = 120_000;
const OUTPUT_TAIL_CHARS = 16_000;

export interface CentralProcess {
  url: string;
  pid: number;
  /** The last lines central printed (for error reports). */
  output(): string;
  /** SIGINT (central closes the store cleanly), SIGKILL if that takes too long. Resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs `stitch central` as its own process, as it is deployed: its CPU time and peak memory
 * are then its own, not shared with the load generator.
 */
export function startCentralProcess(options: { dataDir: string; decodeWorkers: number }): Promise<CentralProcess> {
  const args = [STITCH_BIN, 'central', '--data', options.dataDir, '--port', '0', '--decode-workers', String(options.decodeWorkers)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const forget = onExit(() => child.kill('SIGKILL'));
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      forget();
      resolve(code);
    }),
  );

  const stop = async (): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`stitch central did not start within ${START_TIMEOUT_MS / 1000} s:\n${output}`));
    }, START_TIMEOUT_MS);
    const onOutput = () => {
      const match = READY.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onOutput);
      resolve({ url: match[1]!, pid: child.pid!, output: () => output, stop });
    };
    child.stdout.on('data', onOutput);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`stitch central exited with code ${code} before it was ready:\n${output}`));
    });
  });
}
