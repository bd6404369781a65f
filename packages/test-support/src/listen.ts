import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, replyWithError } from '@stitch/http';
import type { TraceReads } from '@stitch/store';
import { serveStoreReads } from '@stitch/federation';

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/** An HTTP server on a free local port; close() also ends the connections fetch keeps alive. */
export async function listen(handler: RequestListener): Promise<TestServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** An agent's read server as far as the reads go: serveStoreReads over `store`, 404 for the rest (no token check). */
export function serveReadsOf(store: TraceReads, log: (message: string) => void = console.error): Promise<TestServer> {
  return listen((req, res) => {
    const path = new URL(req.url ?? '/', 'http://agent').pathname;
    serveStoreReads(req, res, path, store)
      .then((handled) => {
        if (!handled) throw new ApiError(404, `path: no read API at ${path}`);
      })
      .catch((error: unknown) => replyWithError(req, res, error, log));
  });
}
