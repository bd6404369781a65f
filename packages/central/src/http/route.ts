import type { DeletedJson } from '@stitch/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Method } from '@stitch/http';
import type { Principal, RouteClass } from '../access/access-policy.ts';

/** One request as a route's handler sees it. */
export interface RouteCall {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  query: URLSearchParams;
  /** The path's `:name` segments, percent-decoded. */
  params: Record<string, string>;
  who: Principal;
}

/** An answer with another status than 200. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

export const created = (body: unknown) => new Reply(201, body);

/**
 * One line of central's API: the method and path pattern, who may call it (the access class the
 * access policy judges), and the handler. The handler returns the JSON body of a 200 (or a Reply),
 * or undefined when it answered itself (OTLP answers in the request's own encoding).
 */
export interface Route {
  method: Method;
  path: string;
  access: RouteClass;
  handle: (call: RouteCall) => Promise<unknown>;
}

/** The admin's DELETE of one thing named by the path's `param`: answers `{ deleted: <its id> }`. */
export function deletion(path: string, param: string, remove: (id: string) => Promise<unknown>): Route {
  return {
    method: 'DELETE',
    path,
    access: 'manage',
    handle: async ({ params }) => {
      await remove(params[param]!);
      return { deleted: params[param]! } satisfies DeletedJson;
    },
  };
}
