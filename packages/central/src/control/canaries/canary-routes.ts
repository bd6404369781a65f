import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { canaryService, journeyInputSchema, type CanaryJson, type Journey } from '@stitch/canary';
import type { CanaryAnswerJson, CanaryListJson, CanaryRunJson, CanaryRunsJson, DeletedJson } from '@stitch/api';
import { ApiError, bodyOf, decodePathSegment, sendJson } from '@stitch/http';
import { parseLimit } from '../../read/params.ts';
import type { Canaries } from './canaries.ts';
import { RUNS_KEPT } from './canary-runs.ts';

/** A journey is small; 20 steps of bodies up to 64 KiB fit. */
const MAX_BODY = 2 * 1024 * 1024;

function canaryJson(canaries: Canaries, journey: Journey): CanaryJson {
  return { ...journey, service: canaryService(journey.name), lastRun: canaries.runs.last(journey.id), stats: canaries.runs.statsOf(journey.id) };
}

/**
 * /api/canaries (GET: every canary with its last run; POST: create, admin), /api/canaries/{id}
 * (GET, PUT, DELETE), /api/canaries/{id}/run (POST: run now, answers the run),
 * /api/canaries/{id}/runs (GET: recent runs, newest first, `limit`). False for other paths.
 */
export async function routeCanaries(req: IncomingMessage, res: ServerResponse, path: string, url: URL, canaries: Canaries): Promise<boolean> {
  if (path !== '/api/canaries' && !path.startsWith('/api/canaries/')) return false;
  const method = req.method ?? 'GET';
  const [, , , rawId, action, ...rest] = path.split('/');
  const notAllowed = (allow: string) => new ApiError(405, `method: ${method} is not allowed on ${path}`, { headers: { allow } });
  if (rawId === undefined) {
    if (method === 'GET' || method === 'HEAD') return reply(res, 200, { canaries: canaries.registry.list().map((journey) => canaryJson(canaries, journey)) } satisfies CanaryListJson);
    if (method === 'POST') {
      const { id, ...fields } = await bodyOf(req, journeyInputSchema, MAX_BODY);
      const journey: Journey = { id: id ?? `c-${randomUUID().slice(0, 8)}`, ...fields };
      await canaries.create(journey);
      return reply(res, 201, { canary: canaryJson(canaries, journey) } satisfies CanaryAnswerJson);
    }
    throw notAllowed('GET, POST');
  }
  const id = decodePathSegment('canary', rawId);
  if (rest.length > 0 || (action !== undefined && action !== 'run' && action !== 'runs')) throw new ApiError(404, `path: no route for ${method} ${path} (see the README for the API)`);
  if (action === 'run') {
    if (method !== 'POST') throw notAllowed('POST');
    return reply(res, 200, { run: await canaries.runNow(id) } satisfies CanaryRunJson);
  }
  if (action === 'runs') {
    if (method !== 'GET' && method !== 'HEAD') throw notAllowed('GET');
    canaries.registry.get(id);
    return reply(res, 200, { runs: canaries.runs.recent(id, parseLimit(url.searchParams.get('limit'), 20, RUNS_KEPT)) } satisfies CanaryRunsJson);
  }
  if (method === 'GET' || method === 'HEAD') return reply(res, 200, { canary: canaryJson(canaries, canaries.registry.get(id)) } satisfies CanaryAnswerJson);
  if (method === 'PUT') {
    const { id: bodyId, ...fields } = await bodyOf(req, journeyInputSchema, MAX_BODY);
    if (bodyId !== undefined && bodyId !== id) throw new ApiError(400, `id: the body names ${bodyId}, the path ${id}`);
    const journey: Journey = { id, ...fields };
    await canaries.replace(journey);
    return reply(res, 200, { canary: canaryJson(canaries, journey) } satisfies CanaryAnswerJson);
  }
  if (method === 'DELETE') {
    await canaries.remove(id);
    return reply(res, 200, { deleted: id } satisfies DeletedJson);
  }
  throw notAllowed('GET, PUT, DELETE');
}

function reply(res: ServerResponse, status: number, body: unknown): true {
  sendJson(res, status, body);
  return true;
}
