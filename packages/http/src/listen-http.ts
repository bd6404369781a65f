import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpListener {
  port: number;
  /** Stops listening, ends idle keep-alive connections, and resolves once the requests in flight are answered. */
  close(): Promise<void>;
}

/**
 * An HTTP server on `host:port` (0: a free port) with the timeouts every Stitch listener keeps
 * (a slow or stuck client must not hold a socket forever); a taken port rejects instead of hanging.
 */
export async function listenHttp(host: string, port: number, requests: RequestListener): Promise<HttpListener> {
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
        server.closeIdleConnections();
      }),
  };
}
