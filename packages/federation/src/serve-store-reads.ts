import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, sendJson } from '@stitch/http';
import { StoreError, type TraceReads } from '@stitch/store';
import { READ_ROUTES } from './read-answers.ts';

/**
 * Answers central's reads of the agent's store (the FEDERATION_PATHS); false when `path` (the
 * request's path without its query string) is none of them, so the agent routes it on.
 * Failures are thrown as ApiError (400 naming the field, 405, 413, 503) for the agent's
 * replyWithError, as every Stitch route does. The caller has checked the bearer token.
 */
export async function serveStoreReads(req: IncomingMessage, res: ServerResponse, path: string, store: TraceReads): Promise<boolean> {
  const route = READ_ROUTES.get(path);
  if (!route) return false;
  if (req.method !== route.method) throw new ApiError(405, `method: ${path} takes ${route.method}`, { headers: { allow: route.method } });
  let answer: unknown;
  try {
    answer = await route.answer(req, store);
  } catch (error) {
    // The store's trouble is not central's fault and may pass: central can tell it apart from a refusal.
    if (error instanceof StoreError) throw new ApiError(503, `store unavailable: ${error.message}`, { cause: error, headers: { 'retry-after': '2' } });
    throw error;
  }
  sendJson(res, 200, answer);
  return true;
}
