import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { DemoScenario } from './scenarios.ts';

// The parts of the checkout that send no spans, run in the demo's own (untraced) process:
// Stripe, the warehouse API, the pub/sub topic, and the private link in front of pricing.

export interface Fake {
  url: string;
  server: Server;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (low: number, high: number) => low + Math.random() * (high - low);

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<Fake> {
  const server = createServer((req, res) => void handler(req, res).catch(() => json(res, 500, { error: 'fake failed' })));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

/** Stripe with a heavy tail: usually 0.25-1.1 s, in the tail scenario 8-10 s for `tailShare` of the calls. */
export function startStripe(scenario: DemoScenario, tailShare: number): Promise<Fake> {
  return listen(async (req, res) => {
    await body(req);
    const tail = scenario === 'stripe-tail' && Math.random() < tailShare;
    await sleep(tail ? between(8_000, 10_000) : between(250, 1_100));
    json(res, 200, { id: `pi_${Math.random().toString(36).slice(2, 12)}`, status: 'succeeded' });
  });
}

/** The warehouse API: fast, or in the retry-storm scenario slow and failing two calls in three. */
export function startWarehouse(scenario: DemoScenario): Promise<Fake> {
  return listen(async (req, res) => {
    await body(req);
    if (scenario === 'retry-storm' && Math.random() < 0.66) {
      await sleep(between(600, 800));
      return json(res, 503, { error: 'warehouse busy' });
    }
    await sleep(between(15, 35));
    json(res, 200, { inStock: true });
  });
}

/** The order-events topic: publish appends, poll takes what waits (the consumer's long poll, short here). */
export function startTopic(): Promise<Fake> {
  const waiting: unknown[] = [];
  return listen(async (req, res) => {
    if (req.method === 'POST' && req.url === '/publish') {
      waiting.push(JSON.parse((await body(req)).toString('utf8')));
      return json(res, 200, { messageId: `msg-${waiting.length}` });
    }
    await body(req);
    json(res, 200, waiting.splice(0, 50));
  });
}

const TRACE_HEADERS = new Set(['traceparent', 'tracestate', 'x-amzn-trace-id', 'baggage']);

/**
 * The private link to pricing: passes requests through; in the broken-propagation scenario it
 * drops the trace headers on the way, as a misconfigured proxy does.
 */
export function startPrivateLink(target: () => string, scenario: DemoScenario): Promise<Fake> {
  return listen(async (req, res) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value !== 'string' || name === 'host' || name === 'content-length' || name === 'connection') continue;
      if (scenario === 'broken-propagation' && TRACE_HEADERS.has(name)) continue;
      headers[name] = value;
    }
    const answer = await fetch(`${target()}${req.url}`, { method: req.method!, headers, body: req.method === 'GET' ? null : new Uint8Array(await body(req)) });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
}
