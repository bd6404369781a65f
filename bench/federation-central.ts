import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onExit } from './exit-cleanup.ts';

// Central for the federation phase, in a child process of its own (its memory and CPU are then
// central's alone, not the agents' or the load's). `stitch central` cannot be used: the bench
// settles central's service map when all the spans are in (flushServiceMap(true), as
// test/federation's harness does), which the child does when asked over the IPC channel.

export interface CentralChildOptions {
  /** A DuckDB file, or ':memory:'. */
  storePath: string;
  decodeWorkers: number;
  federation: { timeoutMs: number; heartbeatMs: number; allowReadUrls: string[] };
  /** How long a call waits for its callee before it is counted alone (the bench settles it before). */
  pairWaitMs: number;
}

/** Parent to child. */
export type CentralRequest = { kind: 'settle-service-map' } | { kind: 'stop' };
/** Child to parent. */
export type CentralReply = { kind: 'ready'; url: string } | { kind: 'settled' } | { kind: 'failed'; message: string };

export interface CentralChild {
  url: string;
  pid: number;
  /** Counts every call still waiting for its other side, and writes the service map. */
  settleServiceMap(): Promise<void>;
  /** What central printed last (for error reports). */
  output(): string;
  stop(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('./federation-central-main.ts', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 60_000;
const OUTPUT_TAIL_CHARS = 16_000;

export async function startCentralChild(options: CentralChildOptions): Promise<CentralChild> {
  const child: ChildProcess = fork(MAIN, [JSON.stringify(options)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const forget = onExit(() => child.kill('SIGKILL'));
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const reply = (kinds: ReadonlyArray<CentralReply['kind']>, timeoutMs: number) =>
    new Promise<CentralReply>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`central did not answer within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
      const onMessage = (message: CentralReply) => {
        if (message.kind === 'failed') finish(new Error(`central: ${message.message}\n${output}`));
        else if (kinds.includes(message.kind)) finish(null, message);
      };
      const onExitEarly = (code: number | null) => finish(new Error(`central exited with code ${code}:\n${output}`));
      const finish = (error: Error | null, message?: CentralReply) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExitEarly);
        if (error) reject(error);
        else resolve(message!);
      };
      child.on('message', onMessage);
      child.once('exit', onExitEarly);
    });

  const ready = await reply(['ready'], START_TIMEOUT_MS).catch((error: unknown) => {
    child.kill('SIGKILL');
    forget();
    throw error;
  });
  const send = (request: CentralRequest) => child.send(request);
  return {
    url: (ready as { url: string }).url,
    pid: child.pid!,
    output: () => output,
    async settleServiceMap() {
      const settled = reply(['settled'], START_TIMEOUT_MS);
      send({ kind: 'settle-service-map' });
      await settled;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        send({ kind: 'stop' });
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      forget();
    },
  };
}
