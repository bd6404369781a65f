import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Stitch's version, as the Tempo API's build info reports it. */
export const STITCH_VERSION = '0.1.0';

export interface TempoServer {
  port: number;
  close(): Promise<void>;
}

/** The Tempo-compatible API's own HTTP server (Tempo's paths overlap central's own API: /api/search, /api/traces). */
export async function startTempoServer(host: string, port: number, requests: RequestListener): Promise<TempoServer> {
  const server = createServer(requests);
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
