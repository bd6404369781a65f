import { connect, type ClientHttp2Session } from 'node:http2';
import type { HttpAnswer } from './http-client.ts';
import type { ExportPoster } from './ingest-load.ts';

const EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** gRPC's status codes as the HTTP answers OTLP pairs them with, so one load loop counts both transports alike. */
const HTTP_STATUS: Readonly<Record<number, number>> = { 0: 200, 3: 400, 8: 429, 7: 403, 14: 503, 16: 401 };

/**
 * OTLP/gRPC trace exports over `channels` HTTP/2 connections (round robin), as a fleet of
 * exporters holds them: each call a unary gRPC request on the wire (the 5-byte message prefix,
 * `te: trailers`, the status in the trailers) whose message is the protobuf body the HTTP load
 * posts. Written on node:http2 rather than grpc-js's client, which spends three times node:http's
 * CPU per export: the load generator shares central's two cores, and a real sender (a Collector,
 * an SDK on another host) does not, so the heavier client would be counted as central's cost.
 * The stock grpc-js exporters are checked against central in the tests.
 */
export class GrpcExportClient implements ExportPoster {
  private readonly sessions: ClientHttp2Session[];
  private next = 0;

  constructor(target: string, channels: number) {
    this.sessions = Array.from({ length: channels }, () => {
      const session = connect(`http://${target}`, { settings: { initialWindowSize: 4 << 20 } });
      session.on('error', () => {});
      return session;
    });
  }

  post(_path: string, body: Uint8Array): Promise<HttpAnswer> {
    const session = this.sessions[this.next++ % this.sessions.length]!;
    const started = performance.now();
    return new Promise((resolve) => {
      const failed = (error: Error) => resolve({ status: 0, body: Buffer.alloc(0), ms: performance.now() - started, error: error.message });
      const call = session.request({ ':method': 'POST', ':path': EXPORT, 'content-type': 'application/grpc', te: 'trailers' });
      const chunks: Buffer[] = [];
      let grpcStatus = -1;
      let message = '';
      const readStatus = (headers: Record<string, unknown>) => {
        if (headers['grpc-status'] === undefined) return;
        grpcStatus = Number(headers['grpc-status']);
        message = decodeURIComponent(String(headers['grpc-message'] ?? ''));
      };
      call.on('response', readStatus);
      call.on('trailers', readStatus);
      call.on('data', (chunk: Buffer) => chunks.push(chunk));
      call.on('error', failed);
      call.on('end', () => {
        const ms = performance.now() - started;
        const status = HTTP_STATUS[grpcStatus] ?? (grpcStatus < 0 ? 0 : 500);
        if (grpcStatus === 0) resolve({ status, body: Buffer.concat(chunks).subarray(5), ms });
        else resolve({ status, body: Buffer.from(message), ms, error: `gRPC status ${grpcStatus}: ${message}` });
      });
      const prefix = Buffer.alloc(5);
      prefix.writeUInt32BE(body.byteLength, 1);
      call.write(prefix);
      call.end(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    });
  }

  close(): void {
    for (const session of this.sessions) session.close();
  }
}
