import type { AlarmJson, AlarmTransitionJson, Observation } from '@stitch/metrics';

/** GET /api/alarms */
export interface AlarmListJson {
  alarms: AlarmJson[];
}

/** GET, POST, PUT of one alarm rule. */
export interface AlarmAnswerJson {
  alarm: AlarmJson;
}

/** GET /api/alarms/{id}/history: transitions, newest first. */
export interface AlarmHistoryJson {
  id: string;
  history: AlarmTransitionJson[];
}

/** POST /api/alarms/{id}/evaluate: the rule after it, what was seen, and the state change it caused. */
export interface AlarmEvaluationJson {
  alarm: AlarmJson;
  evaluation: Observation;
  transition: AlarmTransitionJson | null;
}
