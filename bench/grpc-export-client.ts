import { Client, credentials, Metadata, status } from '@grpc/grpc-js';
import type { HttpAnswer } from './http-client.ts';
import type { ExportPoster } from './ingest-load.ts';

const EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** gRPC's statuses as the HTTP answers OTLP pairs them with, so one load loop counts both transports alike. */
const HTTP_STATUS: Partial<Record<status, number>> = {
  [status.OK]: 200,
  [status.INVALID_ARGUMENT]: 400,
  [status.UNAUTHENTICATED]: 401,
  [status.PERMISSION_DENIED]: 403,
  [status.RESOURCE_EXHAUSTED]: 429,
  [status.UNAVAILABLE]: 503,
};

/**
 * OTLP/gRPC trace exports over `channels` HTTP/2 connections (round robin), as a fleet of gRPC
 * exporters holds them; each call's message is the protobuf body the HTTP load posts.
 */
export class GrpcExportClient implements ExportPoster {
  private readonly clients: Client[];
  private next = 0;

  constructor(target: string, channels: number) {
    // Each client its own connection: grpc-js otherwise shares one channel for equal options.
    this.clients = Array.from({ length: channels }, (_, i) => new Client(target, credentials.createInsecure(), { 'grpc.channel_id': i } as object));
  }

  post(_path: string, body: Uint8Array): Promise<HttpAnswer> {
    const client = this.clients[this.next++ % this.clients.length]!;
    const started = performance.now();
    const bytes = (buffer: Buffer) => buffer;
    return new Promise((resolve) =>
      client.makeUnaryRequest(EXPORT, bytes, bytes, Buffer.from(body.buffer, body.byteOffset, body.byteLength), new Metadata(), (error, response) => {
        const ms = performance.now() - started;
        if (!error) resolve({ status: 200, body: response ?? Buffer.alloc(0), ms });
        else resolve({ status: HTTP_STATUS[error.code] ?? 500, body: Buffer.from(error.details), ms, error: `${status[error.code]}: ${error.details}` });
      }),
    );
  }

  close(): void {
    for (const client of this.clients) client.close();
  }
}
