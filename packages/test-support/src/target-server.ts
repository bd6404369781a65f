import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the target saw it: what tests check a canary's results and spans against. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAtMs: number;
  /** When the answer was written (its last byte), by the target's own clock. */
  answeredAtMs: number | null;
}

export interface TargetServer {
  url: string;
  received: ReceivedRequest[];
  /** Requests being answered right now, and the most at once so far. */
  inFlight: () => number;
  maxInFlight: () => number;
  close(): Promise<void>;
}

/**
 * A real HTTP service for canaries to call, recording every request independently of the canary:
 * `/order` answers JSON `{ order: { id, status: "placed" } }` with `x-region: eu-west-1`,
 * `/status/<code>` answers that status, `/slow/<ms>` answers 200 after that long, and `/flaky`
 * fails (503) every `flakyEvery`-th call.
 */
export async function startTargetServer(options: { flakyEvery?: number } = {}): Promise<TargetServer> {
  const received: ReceivedRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let flakyCalls = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const record: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString(), receivedAtMs: Date.now(), answeredAtMs: null };
      received.push(record);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const answer = (status: number, body: string, headers: Record<string, string> = {}) => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(body, () => (record.answeredAtMs = Date.now()));
      };
      res.on('close', () => (inFlight -= 1));
      const path = record.path;
      if (path === '/order') return answer(200, JSON.stringify({ order: { id: `o-${received.length}`, status: 'placed' } }), { 'x-region': 'eu-west-1' });
      if (path === '/flaky') {
        flakyCalls += 1;
        return answer(flakyCalls % (options.flakyEvery ?? 3) === 0 ? 503 : 200, '{"flaky":true}');
      }
      const status = /^\/status\/(\d{3})$/.exec(path);
      if (status) return answer(Number(status[1]), '{}');
      const slow = /^\/slow\/(\d+)$/.exec(path);
      if (slow) return void setTimeout(() => answer(200, '{"slow":true}'), Number(slow[1]));
      answer(404, '{"error":"no such path"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
