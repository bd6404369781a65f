import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FEDERATION_PATHS, serveStoreReads } from '@stitch/federation';
import { ApiError, replyWithError, sendJson } from '@stitch/http';
import type { Account } from '@stitch/model';
import type { TraceReads } from '@stitch/store';

export interface ReadServerOptions {
  store: TraceReads;
  account: Account;
  /** The link token: the one credential this API accepts. */
  token: string;
  host: string;
  port: number;
  /** Central's refusal of the link, if any: while set, reads are refused too. */
  linkRefusal: () => { status: number; message: string } | null;
  log: (message: string) => void;
}

export interface RunningReadServer {
  url: string;
  close(): Promise<void>;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * The account's spans, read by central (federated mode). Only the link's token is accepted,
 * compared in constant time; once central has refused the link (deleted), nobody reads.
 */
export async function startReadServer(options: ReadServerOptions): Promise<RunningReadServer> {
  const expected = digest(options.token);
  const authorize = (req: IncomingMessage) => {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined) throw new ApiError(401, "authorization: expected \"Bearer <link token>\" (the account's link token)", { headers: { 'www-authenticate': 'Bearer' } });
    if (!timingSafeEqual(digest(token), expected)) throw new ApiError(401, "authorization: not this account's link token");
    const refusal = options.linkRefusal();
    if (refusal) throw new ApiError(403, `authorization: central refused this account's link (${refusal.message}); its spans are not shared`);
  };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://agent').pathname;
    const handled = (async () => {
      authorize(req);
      if (path === FEDERATION_PATHS.health) return sendJson(res, 200, { status: 'ok', accountId: options.account.id, label: options.account.label });
      if (!(await serveStoreReads(req, res, path, options.store))) throw new ApiError(404, `path: no read API at ${path}`);
    })();
    handled.catch((error: unknown) => replyWithError(req, res, error, options.log));
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
