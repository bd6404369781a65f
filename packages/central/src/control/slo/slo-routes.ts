import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, bodyOf, decodePathSegment, sendJson } from '@stitch/http';
import { sloStatus, type MetricRecord, type SloDefinition, type SloJson, type SloStatus } from '@stitch/metrics';
import type { MetricReads } from '@stitch/store';
import { readSelectedRecords } from '../../read/metrics/selected-records.ts';
import { describeSlo, type SloRegistry } from './slo-registry.ts';
import { sloBody } from './slo-schemas.ts';

const MAX_BODY = 16 * 1024;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface SloDeps {
  registry: SloRegistry;
  store: MetricReads;
  now: () => number;
  /** Which SLOs the caller may see (a scoped reader: those of its accounts); all when absent. */
  visible?: (slo: SloDefinition) => boolean;
}

/** Where an SLO stands now, from the stored span metrics of its window. */
export async function statusOf(slo: SloDefinition, deps: Pick<SloDeps, 'store' | 'now'>): Promise<SloStatus> {
  const nowMs = deps.now();
  return sloStatus(slo, await windowRecords(slo, deps.store, nowMs), nowMs);
}

/**
 * An SLO window's records in three reads, so 30 days are not 43,200 rows per key: the part of an
 * hour it starts in as one record, then whole UTC hours (they nest in the days the status counts),
 * then the last day minute by minute (the burn rates' windows end now, not on an hour).
 */
async function windowRecords(slo: SloDefinition, store: SloDeps['store'], nowMs: number): Promise<MetricRecord[]> {
  const startMs = nowMs - slo.windowDays * DAY_MS;
  const lastDayMs = Math.max(startMs, nowMs - DAY_MS);
  const hoursFromMs = Math.min(Math.ceil(startMs / HOUR_MS) * HOUR_MS, lastDayMs);
  const minutesFromMs = Math.max(hoursFromMs, Math.floor(lastDayMs / HOUR_MS) * HOUR_MS);
  const read = (fromMs: number, toMs: number, stepMs?: number) => (toMs > fromMs ? readSelectedRecords(store, fromMs, toMs, slo.selector, stepMs) : []);
  const parts = await Promise.all([read(startMs, hoursFromMs, hoursFromMs - startMs), read(hoursFromMs, minutesFromMs, HOUR_MS), read(minutesFromMs, nowMs)]);
  return parts.flat();
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
        registry.list().filter((slo) => deps.visible?.(slo) ?? true).map(async (slo) => {
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
    if (!slo || !(deps.visible?.(slo) ?? true)) throw new ApiError(404, `id: no SLO ${id} (see GET /api/slos)`);
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
