import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  atMs: number;
  idempotencyKey: string | undefined;
  body: Record<string, unknown>;
}

/**
 * How a receiver answers its n-th request (1-based): a status, or 'hang' (never answers).
 * `ok` 200 always; `failing` 500 always; `recovering(k)` 500 k times, then 200.
 */
export type Behaviour = (attempt: number) => number | 'hang';
export const ok: Behaviour = () => 200;
export const failing: Behaviour = () => 500;
export const hanging: Behaviour = () => 'hang';
export const recovering =
  (failures: number): Behaviour =>
  (attempt) =>
    attempt <= failures ? 503 : 200;

/** A real webhook receiver on a loopback port: every request it got, including the ones it failed. */
export interface WebhookReceiver {
  url: string;
  received: ReceivedEvent[];
  /** Distinct events (by Idempotency-Key), what a de-duplicating receiver would act on. */
  distinctEvents(): ReceivedEvent[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(behaviour: Behaviour, path = '/hook'): Promise<WebhookReceiver> {
  const received: ReceivedEvent[] = [];
  const hung: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const key = req.headers['idempotency-key'];
      received.push({ atMs: Date.now(), idempotencyKey: Array.isArray(key) ? key[0] : key, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
      const answer = behaviour(received.length);
      if (answer === 'hang') {
        hung.push(res);
        return;
      }
      res.writeHead(answer, { 'content-type': 'text/plain' });
      res.end(answer < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    distinctEvents: () => received.filter((event, index) => received.findIndex((other) => other.idempotencyKey === event.idempotencyKey) === index),
    async close() {
      for (const res of hung) res.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
