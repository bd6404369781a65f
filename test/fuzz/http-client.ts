import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Call {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
}

/**
 * Requests over a few kept-alive connections, each bounded in time: a server that stops
 * answering fails the call ("hang") instead of stalling the run. A dropped connection rejects.
 */
export class FuzzClient {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    private readonly options: { connections?: number; timeoutMs?: number } = {},
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: options.connections ?? 8 });
  }

  send(call: Call): Promise<Answer> {
    const timeoutMs = this.options.timeoutMs ?? 15_000;
    return new Promise((resolve, reject) => {
      const body = typeof call.body === 'string' ? Buffer.from(call.body) : call.body;
      const req = request(
        `${this.baseUrl}${call.path}`,
        { method: call.method ?? 'GET', agent: this.agent, headers: { ...(body ? { 'content-length': String(body.byteLength) } : {}), ...call.headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs `task(0 … count-1)` with `concurrency` of them in flight; the first failure stops the run. */
export async function inParallel(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < count) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/**
 * Writes `bytes` as they are on a fresh connection (what no HTTP client would send: a
 * Content-Length that lies, broken framing), half-closes it after `halfCloseAfterMs` (time for
 * the server to answer what it could read), and returns whatever came back.
 */
export function sendRaw(port: number, bytes: Uint8Array, { halfCloseAfterMs = 0, timeoutMs = 5_000 } = {}): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(bytes);
      setTimeout(() => socket.end(), halfCloseAfterMs);
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    // The server may reset a connection it refuses: what it said before counts.
    socket.on('error', () => {});
    socket.setTimeout(timeoutMs, () => socket.destroy());
  });
}

/** The status codes in a raw HTTP answer (several when the server read pipelined requests). */
export function statusesIn(rawAnswer: string): number[] {
  return [...rawAnswer.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((match) => Number(match[1]));
}
