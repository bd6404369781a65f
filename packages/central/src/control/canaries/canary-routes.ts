import type { CanaryAnswerJson, CanaryListJson, CanaryRunJson, CanaryRunsJson } from '@stitch/api';
import { randomUUID } from 'node:crypto';
import { canaryService, journeyInputSchema, type CanaryJson, type Journey } from '@stitch/canary';
import { ApiError, bodyOf } from '@stitch/http';
import { created, deletion, type Route } from '../../http/route.ts';
import { parseLimit } from '../../read/params.ts';
import type { Canaries } from './canaries.ts';
import { RUNS_KEPT } from './canary-runs.ts';

/** A journey is small; 20 steps of bodies up to 64 KiB fit. */
const MAX_BODY = 2 * 1024 * 1024;

function canaryJson(canaries: Canaries, journey: Journey): CanaryJson {
  return { ...journey, service: canaryService(journey.name), lastRun: canaries.runs.last(journey.id), stats: canaries.runs.statsOf(journey.id) };
}

/**
 * Synthetic canaries with their last run and figures (reading them is for readers of every
 * account), running one now (answering the run), and their recent runs, newest first (`limit`).
 */
export function canaryRoutes(canaries: Canaries): Route[] {
  const { registry, runs } = canaries;
  return [
    { method: 'GET', path: '/api/canaries', access: 'read-config', handle: async () => ({ canaries: registry.list().map((journey) => canaryJson(canaries, journey)) }) satisfies CanaryListJson },
    {
      method: 'POST',
      path: '/api/canaries',
      access: 'manage',
      handle: async ({ req }) => {
        const { id, ...fields } = await bodyOf(req, journeyInputSchema, MAX_BODY);
        const journey: Journey = { id: id ?? `c-${randomUUID().slice(0, 8)}`, ...fields };
        await canaries.create(journey);
        return created({ canary: canaryJson(canaries, journey) } satisfies CanaryAnswerJson);
      },
    },
    { method: 'GET', path: '/api/canaries/:canary', access: 'read-config', handle: async ({ params }) => ({ canary: canaryJson(canaries, registry.get(params.canary!)) }) satisfies CanaryAnswerJson },
    {
      method: 'PUT',
      path: '/api/canaries/:canary',
      access: 'manage',
      handle: async ({ req, params }) => {
        const id = params.canary!;
        const { id: bodyId, ...fields } = await bodyOf(req, journeyInputSchema, MAX_BODY);
        if (bodyId !== undefined && bodyId !== id) throw new ApiError(400, `id: the body names ${bodyId}, the path ${id}`);
        const journey: Journey = { id, ...fields };
        await canaries.replace(journey);
        return { canary: canaryJson(canaries, journey) } satisfies CanaryAnswerJson;
      },
    },
    deletion('/api/canaries/:canary', 'canary', (id) => canaries.remove(id)),
    { method: 'POST', path: '/api/canaries/:canary/run', access: 'manage', handle: async ({ params }) => ({ run: await canaries.runNow(params.canary!) }) satisfies CanaryRunJson },
    {
      method: 'GET',
      path: '/api/canaries/:canary/runs',
      access: 'read-config',
      handle: async ({ params, query }) => {
        registry.get(params.canary!);
        return { runs: runs.recent(params.canary!, parseLimit(query.get('limit'), 20, RUNS_KEPT)) } satisfies CanaryRunsJson;
      },
    },
  ];
}
