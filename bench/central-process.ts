import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { STITCH_BIN } from '@stitch/test-support/cli-process';
import { onExit } from './exit-cleanup.ts';

const CENTRAL_READY = /listening on (http:\/\/\S+)/;
const AGENT_READY = /OTLP\/HTTP on (http:\/\/\S+),/;
const START_TIMEOUT_MS = 60_000;
// Closing checkpoints the DuckDB file, which can take a while after millions of spans.
const STOP_TIMEOUT_MS = 120_000;
const OUTPUT_TAIL_CHARS = 16_000;

export interface StitchProcess {
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
export function startCentralProcess(options: { dataDir: string; decodeWorkers: number; clickhouseUrls?: readonly string[]; grpcPort?: number }): Promise<StitchProcess> {
  const store = options.clickhouseUrls?.length ? ['--clickhouse', options.clickhouseUrls.join(',')] : [];
  // gRPC only where a phase asks for it: no other central should take 4317.
  const grpc = ['--grpc-port', String(options.grpcPort ?? 0)];
  const profile = process.env.STITCH_BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.STITCH_BENCH_CPU_PROF_DIR}`] : [];
  return startNodeProcess('stitch central', [...profile, STITCH_BIN, 'central', '--data', options.dataDir, '--port', '0', '--decode-workers', String(options.decodeWorkers), ...store, ...grpc], CENTRAL_READY);
}

/** Runs `stitch agent` as its own process for an account (by default the payments one), forwarding to `sinkUrl`. */
export function startAgentProcess(options: { sinkUrl: string; token: string; spoolDir: string; account?: { id: string; name: string } }): Promise<StitchProcess> {
  const account = options.account ?? { id: '444444444444', name: 'payments' };
  const args = ['agent', '--account', account.id, '--name', account.name, '--sink', options.sinkUrl, '--token', options.token, '--port', '0', '--udp-port', '0', '--sampling-port', '0', '--spool', options.spoolDir];
  return startStitchProcess(args, AGENT_READY);
}

/** The agent benchmark's do-nothing sink (raw-sink.ts). */
export function startRawSinkProcess(): Promise<StitchProcess> {
  return startNodeProcess('raw sink', ['--import', 'tsx', fileURLToPath(new URL('./raw-sink.ts', import.meta.url))], /raw sink on (http:\/\/\S+)/);
}

function startStitchProcess(stitchArgs: string[], ready: RegExp): Promise<StitchProcess> {
  return startNodeProcess(`stitch ${stitchArgs[0]}`, [STITCH_BIN, ...stitchArgs], ready);
}

/** `node <args>` as a child process, ready once its output matches `ready` (whose group 1 is its URL). */
function startNodeProcess(name: string, args: string[], ready: RegExp): Promise<StitchProcess> {
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
      reject(new Error(`${name} did not start within ${START_TIMEOUT_MS / 1000} s:\n${output}`));
    }, START_TIMEOUT_MS);
    const onOutput = () => {
      const match = ready.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onOutput);
      resolve({ url: match[1]!, pid: child.pid!, output: () => output, stop });
    };
    child.stdout.on('data', onOutput);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} before it was ready:\n${output}`));
    });
  });
}
