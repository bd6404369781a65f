import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, sendJson } from '@stitch/http';
import { routeSlos, type SloDeps } from '../../control/slo/slo-routes.ts';
import { metricsAnswer } from './metrics-route.ts';

/** GET /api/metrics and /api/slos…; false when the path is neither. */
export async function routeSpanMetrics(req: IncomingMessage, res: ServerResponse, path: string, url: URL, deps: SloDeps): Promise<boolean> {
  if (path === '/api/metrics') {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') throw new ApiError(405, `method: ${method} is not allowed on ${path}`, { headers: { allow: 'GET' } });
    sendJson(res, 200, await metricsAnswer(deps.store, url.searchParams, deps.now()));
    return true;
  }
  return routeSlos(req, res, path, deps);
}
