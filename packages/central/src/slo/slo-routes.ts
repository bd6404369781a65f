import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, bodyOf, decodePathSegment, sendJson } from '@stitch/http';
import { sloStatus, type SloDefinition, type SloJson, type SloStatus } from '@stitch/metrics';
import type { MetricStore } from '@stitch/store';
import { readSelectedRecords } from '../metrics/selected-records.ts';
import { describeSlo, type SloRegistry } from './slo-registry.ts';
import { sloBody } from './slo-schemas.ts';

const MAX_BODY = 16 * 1024;
const DAY_MS = 86_400_000;

export interface SloDeps {
  registry: SloRegistry;
  store: Pick<MetricStore, 'readMetricRecords'>;
  now: () => number;
}

/** Where an SLO stands now, from the stored span metrics of its window. */
export async function statusOf(slo: SloDefinition, deps: SloDeps): Promise<SloStatus> {
  const nowMs = deps.now();
  return sloStatus(slo, await readSelectedRecords(deps.store, nowMs - slo.windowDays * DAY_MS, nowMs, slo.selector), nowMs);
}

const sloJson = (slo: SloDefinition): SloJson => ({ ...slo, description: describeSlo(slo) });

/**
 * /api/slos (GET: every SLO with its status, without the daily series; POST: a new one),
 * /api/slos/{id} (GET: with the daily series; PUT; DELETE). False when the path is not one of these.
 */
export async function routeSlos(req: IncomingMessage, res: ServerResponse, path: string, deps: SloDeps): Promise<boolean> {
  if (path !== '/api/slos' && !path.startsWith('/api/slos/')) return false;
  const method = req.method ?? 'GET';
  const [, , , rawId, ...rest] = path.split('/');
  const { registry } = deps;
  if (rawId === undefined || rawId === '') {
    if (method === 'GET' || method === 'HEAD') {
      const slos = await Promise.all(
        registry.list().map(async (slo) => {
          const { daily: _daily, ...status } = await statusOf(slo, deps);
          return { ...sloJson(slo), status };
        }),
      );
      sendJson(res, 200, { slos });
      return true;
    }
    if (method === 'POST') {
      const slo = await registry.create(await bodyOf(req, sloBody, MAX_BODY));
      sendJson(res, 201, { slo: sloJson(slo), status: await statusOf(slo, deps) });
      return true;
    }
    throw notAllowed(method, path, 'GET, POST');
  }
  if (rest.length > 0) throw new ApiError(404, `path: no route for ${method} ${path}`);
  const id = decodePathSegment('id', rawId);
  if (method === 'GET' || method === 'HEAD') {
    const slo = registry.get(id);
    if (!slo) throw new ApiError(404, `id: no SLO ${id} (see GET /api/slos)`);
    sendJson(res, 200, { slo: sloJson(slo), status: await statusOf(slo, deps) });
    return true;
  }
  if (method === 'PUT') {
    if (!registry.get(id)) throw new ApiError(404, `id: no SLO ${id} (see GET /api/slos)`);
    const slo = await registry.update(id, await bodyOf(req, sloBody, MAX_BODY));
    sendJson(res, 200, { slo: sloJson(slo), status: await statusOf(slo, deps) });
    return true;
  }
  if (method === 'DELETE') {
    await registry.remove(id);
    sendJson(res, 200, { deleted: id });
    return true;
  }
  throw notAllowed(method, path, 'GET, PUT, DELETE');
}

const notAllowed = (method: string, path: string, allow: string) => new ApiError(405, `method: ${method} is not allowed on ${path}`, { headers: { allow } });
