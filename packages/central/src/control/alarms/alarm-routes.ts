import type { AlarmAnswerJson, AlarmEvaluationJson, AlarmHistoryJson, AlarmListJson } from '@stitch/api';
import type { IncomingMessage } from 'node:http';
import { ApiError, bodyOf } from '@stitch/http';
import { created, deletion, type Route } from '../../http/route.ts';
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
 * Alarm rules with their state (reading them is for readers of every account), their history, and
 * evaluating one now (answering once every webhook has its outcome).
 */
export function alarmRoutes(alarms: AlarmService): Route[] {
  const { registry } = alarms;
  return [
    { method: 'GET', path: '/api/alarms', access: 'read-config', handle: async () => ({ alarms: registry.list().map(alarmJson) }) satisfies AlarmListJson },
    { method: 'POST', path: '/api/alarms', access: 'manage', handle: async ({ req }) => created({ alarm: alarmJson(await registry.create(await ruleOf(req, alarms))) } satisfies AlarmAnswerJson) },
    { method: 'GET', path: '/api/alarms/:id', access: 'read-config', handle: async ({ params }) => ({ alarm: alarmJson(required(registry, params.id!)) }) satisfies AlarmAnswerJson },
    {
      method: 'PUT',
      path: '/api/alarms/:id',
      access: 'manage',
      handle: async ({ req, params }) => {
        required(registry, params.id!);
        return { alarm: alarmJson(await registry.update(params.id!, await ruleOf(req, alarms))) } satisfies AlarmAnswerJson;
      },
    },
    deletion('/api/alarms/:id', 'id', (id) => registry.remove(id)),
    {
      method: 'GET',
      path: '/api/alarms/:id/history',
      access: 'read-config',
      handle: async ({ params, query }) => {
        const limit = parseLimit(query.get('limit'), 100, 100);
        return { id: params.id!, history: newestFirst(required(registry, params.id!).history).slice(0, limit) } satisfies AlarmHistoryJson;
      },
    },
    {
      method: 'POST',
      path: '/api/alarms/:id/evaluate',
      access: 'manage',
      handle: async ({ params }) => {
        const id = params.id!;
        required(registry, id);
        const evaluation = await alarms.scheduler.evaluate(id, true);
        const alarm = registry.get(id);
        if (!evaluation || !alarm) throw new ApiError(404, `id: no alarm ${id}`);
        return { alarm: alarmJson(alarm), evaluation: evaluation.observation, transition: evaluation.transition } satisfies AlarmEvaluationJson;
      },
    },
  ];
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
