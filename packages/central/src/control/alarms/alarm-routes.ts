import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AlarmAnswerJson, AlarmEvaluationJson, AlarmHistoryJson, AlarmListJson, DeletedJson } from '@stitch/api';
import { ApiError, bodyOf, decodePathSegment, sendJson } from '@stitch/http';
import { parseLimit } from '../../read/params.ts';
import { alarmJson, newestFirst } from './alarm-json.ts';
import type { AlarmRegistry } from './alarm-registry.ts';
import { alarmRuleBody, type AlarmRuleBody } from './alarm-schemas.ts';
import type { AlarmScheduler } from './alarm-scheduler.ts';

const MAX_BODY = 64 * 1024;

export interface AlarmService {
  registry: AlarmRegistry;
  scheduler: AlarmScheduler;
  /** Whether an SLO exists (a burn-rate rule must name one); null while central has no SLOs. */
  sloExists: ((id: string) => boolean) | null;
}

/**
 * /api/alarms (GET: rules with their state; POST: a new rule), /api/alarms/{id} (GET, PUT,
 * DELETE), /api/alarms/{id}/history (GET), /api/alarms/{id}/evaluate (POST: now, answering once
 * every webhook has its outcome). False when the path is not one of these.
 */
export async function routeAlarms(req: IncomingMessage, res: ServerResponse, path: string, url: URL, alarms: AlarmService): Promise<boolean> {
  if (path !== '/api/alarms' && !path.startsWith('/api/alarms/')) return false;
  const method = req.method ?? 'GET';
  const [, , , rawId, action, ...rest] = path.split('/');
  const { registry } = alarms;
  if (rawId === undefined) {
    if (method === 'GET') return reply(res, 200, { alarms: registry.list().map(alarmJson) } satisfies AlarmListJson);
    if (method === 'POST') return reply(res, 201, { alarm: alarmJson(await registry.create(await ruleOf(req, alarms))) } satisfies AlarmAnswerJson);
    throw notAllowed(method, path, 'GET, POST');
  }
  const id = decodePathSegment('id', rawId);
  if (rest.length > 0) throw new ApiError(404, `path: no route for ${method} ${path}`);
  if (action === undefined) {
    if (method === 'GET') return reply(res, 200, { alarm: alarmJson(required(registry, id)) } satisfies AlarmAnswerJson);
    if (method === 'PUT') {
      required(registry, id);
      return reply(res, 200, { alarm: alarmJson(await registry.update(id, await ruleOf(req, alarms))) } satisfies AlarmAnswerJson);
    }
    if (method === 'DELETE') {
      await registry.remove(id);
      return reply(res, 200, { deleted: id } satisfies DeletedJson);
    }
    throw notAllowed(method, path, 'GET, PUT, DELETE');
  }
  if (action === 'history') {
    if (method !== 'GET') throw notAllowed(method, path, 'GET');
    const limit = parseLimit(url.searchParams.get('limit'), 100, 100);
    return reply(res, 200, { id, history: newestFirst(required(registry, id).history).slice(0, limit) } satisfies AlarmHistoryJson);
  }
  if (action === 'evaluate') {
    if (method !== 'POST') throw notAllowed(method, path, 'POST');
    required(registry, id);
    const evaluation = await alarms.scheduler.evaluate(id, true);
    const alarm = registry.get(id);
    if (!evaluation || !alarm) throw new ApiError(404, `id: no alarm ${id}`);
    return reply(res, 200, { alarm: alarmJson(alarm), evaluation: evaluation.observation, transition: evaluation.transition } satisfies AlarmEvaluationJson);
  }
  throw new ApiError(404, `path: no route for ${method} ${path}`);
}

async function ruleOf(req: IncomingMessage, alarms: AlarmService): Promise<AlarmRuleBody> {
  const rule = await bodyOf(req, alarmRuleBody, MAX_BODY);
  if (rule.condition.kind === 'burnRate' && alarms.sloExists && !alarms.sloExists(rule.condition.sloId)) {
    throw new ApiError(400, `condition.sloId: no SLO ${rule.condition.sloId} (see GET /api/slos)`);
  }
  return rule;
}

function required(registry: AlarmRegistry, id: string) {
  const alarm = registry.get(id);
  if (!alarm) throw new ApiError(404, `id: no alarm ${id}`);
  return alarm;
}

const notAllowed = (method: string, path: string, allow: string) => new ApiError(405, `method: ${method} is not allowed on ${path}`, { headers: { allow } });

function reply(res: ServerResponse, status: number, body: unknown): true {
  sendJson(res, status, body);
  return true;
}
