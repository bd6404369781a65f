import type { SloAnswerJson, SloListJson } from '@stitch/api';
import { ApiError, bodyOf } from '@stitch/http';
import { sloStatus, type MetricRecord, type SloDefinition, type SloJson, type SloStatus } from '@stitch/metrics';
import type { MetricReads } from '@stitch/store';
import type { Principal } from '../../access/access-policy.ts';
import { created, deletion, type Route } from '../../http/route.ts';
import { readSelectedRecords } from '../../read/metrics/selected-records.ts';
import { describeSlo, type SloRegistry } from './slo-registry.ts';
import { sloBody } from './slo-schemas.ts';

const MAX_BODY = 16 * 1024;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** What an SLO's status is read from, for one caller. */
export interface SloReads {
  store: MetricReads;
  now: () => number;
  /** Which SLOs the caller may see (a scoped reader: those of its accounts); all when absent. */
  visible?: (slo: SloDefinition) => boolean;
}

/** Where an SLO stands now, from the stored span metrics of its window. */
export async function statusOf(slo: SloDefinition, deps: Pick<SloReads, 'store' | 'now'>): Promise<SloStatus> {
  const nowMs = deps.now();
  return sloStatus(slo, await windowRecords(slo, deps.store, nowMs), nowMs);
}

/**
 * An SLO window's records in three reads, so 30 days are not 43,200 rows per key: the part of an
 * hour it starts in as one record, then whole UTC hours (they nest in the days the status counts),
 * then the last day minute by minute (the burn rates' windows end now, not on an hour).
 */
async function windowRecords(slo: SloDefinition, store: SloReads['store'], nowMs: number): Promise<MetricRecord[]> {
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
 * SLOs with where each stands (the daily series only one by one), for readers (a scoped reader:
 * its accounts' SLOs); creating, replacing and deleting them is the admin's.
 */
export function sloRoutes(registry: SloRegistry, readsOf: (who: Principal) => SloReads): Route[] {
  const visibleSlo = (deps: SloReads, id: string) => {
    const slo = registry.get(id);
    if (!slo || !(deps.visible?.(slo) ?? true)) throw new ApiError(404, `id: no SLO ${id} (see GET /api/slos)`);
    return slo;
  };
  const answer = async (slo: SloDefinition, deps: SloReads): Promise<SloAnswerJson> => ({ slo: sloJson(slo), status: await statusOf(slo, deps) });
  return [
    {
      method: 'GET',
      path: '/api/slos',
      access: 'read',
      handle: async ({ who }) => {
        const deps = readsOf(who);
        const slos = await Promise.all(
          registry.list().filter((slo) => deps.visible?.(slo) ?? true).map(async (slo) => {
            const { daily: _daily, ...status } = await statusOf(slo, deps);
            return { ...sloJson(slo), status };
          }),
        );
        return { slos } satisfies SloListJson;
      },
    },
    { method: 'POST', path: '/api/slos', access: 'manage', handle: async ({ req, who }) => created(await answer(await registry.create(await bodyOf(req, sloBody, MAX_BODY)), readsOf(who))) },
    {
      method: 'GET',
      path: '/api/slos/:id',
      access: 'read',
      handle: async ({ params, who }) => {
        const deps = readsOf(who);
        return answer(visibleSlo(deps, params.id!), deps);
      },
    },
    {
      method: 'PUT',
      path: '/api/slos/:id',
      access: 'manage',
      handle: async ({ req, params, who }) => {
        const deps = readsOf(who);
        visibleSlo(deps, params.id!);
        return answer(await registry.update(params.id!, await bodyOf(req, sloBody, MAX_BODY)), deps);
      },
    },
    deletion('/api/slos/:id', 'id', (id) => registry.remove(id)),
  ];
}
