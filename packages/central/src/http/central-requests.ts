import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { serveConsole } from '@stitch/console';
import { ApiError, formatOf, methodNotAllowed, replyWithError, RouteTable, sendJson, sendOtlpError, toApiError } from '@stitch/http';
import { QueryBudgetExceeded, StoreError, withinReadBudget } from '@stitch/store';
import { refusalOf, unroutedClassOf, type Guard } from '../access/access-policy.ts';
import { credentialOf, type Principals } from '../access/principals.ts';
import { STORE_RETRY_AFTER_S } from '../ingest/otlp-traces-handler.ts';
import type { ReadSlots } from '../read/read-slots.ts';
import { Reply, type Route, type RouteCall } from './route.ts';

export interface CentralRequestsOptions {
  routes: readonly Route[];
  principals: Principals;
  /** Which credentials central has now (they can be rotated). */
  guard: () => Guard;
  /** How long one read may take, its wait for a read slot included. */
  readBudgetMs: number;
  readSlots: ReadSlots;
  /** Waited for before a read: what ingest answered before it is stored (the ingest log's linger). */
  beforeRead?: () => Promise<void>;
  /** Serve the console on the paths no route takes (central's own port; not the Tempo API's). */
  console?: boolean;
  log: (message: string) => void;
}

/**
 * Every request's path through central: who it is, which route takes it, whether that principal
 * may (the access policy, judged on the route's class), then the handler, reads within their
 * budget and their credential's read slots. Failures become answers: OTLP clients get them in
 * their encoding, everyone else as JSON.
 */
export function centralRequests(options: CentralRequestsOptions): RequestListener {
  const table = new RouteTable(options.routes);

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://central');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const who = options.principals.of(req);
    const match = table.match(method, path);
    const access = match && 'route' in match ? match.route.access : unroutedClassOf(method, path, match?.samePath.access ?? null);
    const refusal = refusalOf(access, who, options.guard(), path);
    if (refusal) throw refusal;
    if (match && 'allow' in match) throw methodNotAllowed(method, path, match.allow);
    if (!match) {
      if (options.console !== false && (method === 'GET' || method === 'HEAD') && (await serveConsole(req, res, path))) return;
      throw new ApiError(404, `path: no route for ${method} ${path} (see docs/api.md)`);
    }
    const call: RouteCall = { req, res, url, query: url.searchParams, params: match.params, who };
    const answer = () => match.route.handle(call).then((body) => reply(res, body));
    if (access !== 'read' && access !== 'read-config') return answer();
    await options.beforeRead?.();
    // The budget covers the wait for a read slot too: a read is answered or refused within it.
    return withinReadBudget(options.readBudgetMs, () => options.readSlots.run(credentialOf(who, req), answer));
  }

  return (req, res) => {
    serve(req, res).catch((error: unknown) => {
      // Store failures are not the client's fault and may pass: tell OTLP clients to retry. A
      // query past its budget would fail again as asked: the client must ask for less.
      const apiError = error instanceof QueryBudgetExceeded ? new ApiError(422, error.message, { cause: error }) : error instanceof StoreError ? new ApiError(503, `store unavailable: ${error.message}`, { cause: error, headers: { 'retry-after': String(STORE_RETRY_AFTER_S) } }) : toApiError(error, options.log);
      if (res.headersSent) {
        res.destroy();
      } else if (req.url?.startsWith('/v1/traces') || req.url?.startsWith('/v1/logs')) {
        req.resume();
        sendOtlpError(res, otlpFormatOf(req), apiError);
      } else {
        replyWithError(req, res, apiError, options.log);
      }
    });
  };
}

function reply(res: ServerResponse, body: unknown): void {
  if (body === undefined) return; // the handler answered itself
  if (body instanceof Reply) sendJson(res, body.status, body.body);
  else sendJson(res, 200, body);
}

/** The encoding an OTLP client sent, for its error; JSON when its content type is unknown. */
function otlpFormatOf(req: IncomingMessage): 'protobuf' | 'json' {
  try {
    return formatOf(req.headers['content-type']);
  } catch {
    return 'json';
  }
}
