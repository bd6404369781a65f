import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { classifyAnswer, type CentralAnswer, type DeliveryOutcome } from './delivery-outcome.ts';
import type { PayloadFormat } from './spool.ts';

export interface CentralTransportOptions {
  sinkUrl: string;
  /** Where on central the batches go (/v1/traces, /v1/logs). */
  path: string;
  token: string;
  /** Connections kept open to central: as many as batches sent at once. */
  connections: number;
}

/** One spooled batch on its way: a gzip-compressed OTLP request body. */
export interface OutgoingBatch {
  body: Buffer;
  format: PayloadFormat;
  /** Sent as the Idempotency-Key: a retry after a lost answer is not stored twice. */
  key: string;
}

const SEND_TIMEOUT_MS = 30_000;
const CONTENT_TYPE: Record<PayloadFormat, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

/**
 * Sends one batch to central with the link's credential and says what came of it. It neither
 * retries nor waits: when to send what is the spool scheduler's (the Forwarder's) to decide.
 */
export class CentralTransport {
  private readonly connections: HttpAgent;
  private readonly request: typeof httpRequest;
  private readonly url: string;

  constructor(private readonly options: CentralTransportOptions) {
    const https = new URL(options.sinkUrl).protocol === 'https:';
    const pool = { keepAlive: true, maxSockets: options.connections };
    this.connections = https ? new HttpsAgent(pool) : new HttpAgent(pool);
    this.request = https ? httpsRequest : httpRequest;
    this.url = `${options.sinkUrl}${options.path}`;
  }

  async send(batch: OutgoingBatch): Promise<DeliveryOutcome> {
    return classifyAnswer(await this.post(batch));
  }

  /** node:http(s) over kept-alive connections: at a few hundred batches a second, fetch's overhead shows. */
  private post(batch: OutgoingBatch): Promise<CentralAnswer> {
    return new Promise((resolve) => {
      const headers = {
        'content-type': CONTENT_TYPE[batch.format],
        'content-encoding': 'gzip',
        authorization: `Bearer ${this.options.token}`,
        'idempotency-key': batch.key,
        'content-length': String(batch.body.length),
      };
      const req = this.request(this.url, { method: 'POST', agent: this.connections, headers, timeout: SEND_TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => resolve({ error }));
        const retryAfter = res.headers['retry-after'];
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${SEND_TIMEOUT_MS / 1000} s`)));
      req.on('error', (error) => resolve({ error }));
      req.end(batch.body);
    });
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.connections.destroy();
  }
}
