import { type Agent, request } from 'node:http';
import { retryAfterMs } from '@stitch/http';

/** What one POST of an export request came to, as an OTLP exporter sorts it. */
export type ExportOutcome =
  | { kind: 'success' }
  /** No answer (status 0: refused, reset, timed out), 429 or 5xx: the same bytes go again later. */
  | { kind: 'retryable'; status: number; reason: string; retryAfterMs: number | null }
  /** Any other answer: the receiver will never take these bytes. */
  | { kind: 'failure'; status: number; reason: string };

/** POSTs an OTLP/HTTP protobuf request over `agent`'s kept-alive connections. */
export function postOtlpProtobuf(url: URL, body: Uint8Array, agent: Agent, timeoutMs: number): Promise<ExportOutcome> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: 'POST', agent, timeout: timeoutMs, headers: { 'content-type': 'application/x-protobuf', 'content-length': String(body.byteLength) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => resolve({ kind: 'retryable', status: 0, reason: error.message, retryAfterMs: null }));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const reason = `${status} ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`;
          if (status === 200) resolve({ kind: 'success' });
          else if (status === 429 || status >= 500) resolve({ kind: 'retryable', status, reason, retryAfterMs: retryAfterMs(res.headers['retry-after']) });
          else resolve({ kind: 'failure', status, reason });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ kind: 'retryable', status: 0, reason: error.message, retryAfterMs: null }));
    req.end(body);
  });
}
