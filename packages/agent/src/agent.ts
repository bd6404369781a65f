import { createSocket, type Socket } from 'node:dgram';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Account } from '@stitch/model';
import { parseDaemonDatagram, segmentToSpans, WireError } from '@stitch/wire';
import { SegmentForwarder } from './segment-forwarder.ts';

export interface AgentOptions {
  account: { id: string; name: string };
  /** Central's URL (the sink). */
  sinkUrl: string;
  /** The link token `stitch link create` printed. */
  token: string;
  host?: string;
  /** OTLP/HTTP port (default 4318; 0 picks a free one). */
  port?: number;
  /** X-Ray daemon UDP port (default 2000; 0 picks a free one). */
  udpPort?: number;
  maxBodyBytes?: number;
  /** Where converted segments wait for central (survives a crash); in memory when absent. */
  spoolDir?: string;
  log?: (message: string) => void;
}

export interface RunningAgent {
  otlpUrl: string;
  udpPort: number;
  forwarder: SegmentForwarder;
  close(): Promise<void>;
}

const RELAYED_HEADERS = ['content-type', 'retry-after'];

/**
 * One source account's agent: OTLP/HTTP in, passed on to central with the link's credential
 * (a 200 reaches the service only once central has stored the spans, so its exporter's retries
 * cover central being away); X-Ray segment documents over UDP and PutTraceSegments, converted
 * to spans of this account and forwarded.
 */
export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const log = options.log ?? ((message: string) => console.error(message));
  const account: Account = { id: options.account.id, label: options.account.name };
  const sinkUrl = options.sinkUrl.replace(/\/+$/, '');
  const forwarder = new SegmentForwarder({ sinkUrl, token: options.token, spoolDir: options.spoolDir ?? null, log });
  const maxBody = options.maxBodyBytes ?? 16 * 1024 * 1024;
  // Independent subsegments do not name their service: remember it from their segments.
  const serviceOfSegment = new Map<string, string>();

  const acceptSegment = (document: unknown, durably = false): void => {
    const converted = segmentToSpans(document, { account, serviceOfParent: (id) => serviceOfSegment.get(id) });
    for (const span of converted.spans) {
      if (span.kind === 'server') serviceOfSegment.set(span.spanId, span.resource.serviceName);
      if (serviceOfSegment.size > 10_000) serviceOfSegment.delete(serviceOfSegment.keys().next().value!);
    }
    for (const rejected of converted.rejected) log(`agent: segment ${rejected.spanId} refused: ${rejected.reason}`);
    if (durably) forwarder.addDurably(converted.spans);
    else forwarder.add(converted.spans);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => reply(res, 500, { error: `agent: ${(error as Error).message}` }));
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://agent').pathname;
    if (req.method !== 'POST' || (path !== '/v1/traces' && path !== '/TraceSegments')) {
      req.resume();
      return reply(res, 404, { error: `path: the agent takes POST /v1/traces (OTLP/HTTP) and POST /TraceSegments` });
    }
    const body = await readLimited(req, maxBody);
    if (body === null) return reply(res, 413, { error: `body: over ${maxBody} bytes` });
    if (path === '/TraceSegments') {
      let documents: unknown;
      try {
        documents = (JSON.parse(body.toString('utf8')) as { TraceSegmentDocuments?: unknown }).TraceSegmentDocuments;
      } catch {
        return reply(res, 400, { error: 'body: not JSON' });
      }
      if (!Array.isArray(documents)) return reply(res, 400, { error: 'TraceSegmentDocuments: expected an array of segment documents (JSON strings)' });
      const unprocessed: Array<{ Id: string; ErrorCode: string; Message: string }> = [];
      for (const text of documents) {
        try {
          acceptSegment(typeof text === 'string' ? JSON.parse(text) : text, true);
        } catch (error) {
          unprocessed.push({ Id: '', ErrorCode: 'InvalidSegment', Message: error instanceof WireError ? error.message : 'not JSON' });
        }
      }
      return reply(res, 200, { UnprocessedTraceSegments: unprocessed });
    }
    // OTLP: passed through as it came; central decides the account from the credential.
    const headers: Record<string, string> = { authorization: `Bearer ${options.token}` };
    for (const name of ['content-type', 'content-encoding']) if (typeof req.headers[name] === 'string') headers[name] = req.headers[name] as string;
    let answer: Response;
    try {
      answer = await fetch(`${sinkUrl}/v1/traces`, { method: 'POST', headers, body: new Uint8Array(body), signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      log(`agent: central unreachable (${(error as Error).message})`);
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '2' });
      res.end(JSON.stringify({ code: 14, message: 'central is unreachable; retry shortly' }));
      return;
    }
    const relayed: Record<string, string> = {};
    for (const name of RELAYED_HEADERS) {
      const value = answer.headers.get(name);
      if (value) relayed[name] = value;
    }
    res.writeHead(answer.status, relayed);
    res.end(Buffer.from(await answer.arrayBuffer()));
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 4318, options.host ?? '127.0.0.1', resolve));
  const udp: Socket = createSocket('udp4');
  udp.on('message', (datagram) => {
    try {
      acceptSegment(parseDaemonDatagram(datagram));
    } catch (error) {
      log(`agent: datagram refused: ${error instanceof WireError ? error.message : String(error)}`);
    }
  });
  await new Promise<void>((resolve) => udp.bind(options.udpPort ?? 2000, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    otlpUrl: `http://${options.host ?? '127.0.0.1'}:${port}`,
    udpPort: udp.address().port,
    forwarder,
    async close() {
      udp.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await forwarder.flush();
      forwarder.close();
    },
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      return null;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
