import type { HealthJson } from '@stitch/api';
import type { WriteQueue } from '../ingest/write-queue.ts';
import type { Route } from './route.ts';

/** GET /api/health: for load balancers and probes, never guarded. */
export function healthRoute(now: () => number, writes: WriteQueue): Route {
  const startedAt = now();
  return {
    method: 'GET',
    path: '/api/health',
    access: 'health',
    handle: async () => ({ status: 'ok', uptimeSeconds: Math.round((now() - startedAt) / 1000), pendingSpans: writes.pendingSpans }) satisfies HealthJson,
  };
}
