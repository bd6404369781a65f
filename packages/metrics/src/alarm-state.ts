import type { AlarmState } from './alarm-rule.ts';

/** What one evaluation found: the condition held, did not, or there was too little to tell. */
export interface Observation {
  outcome: 'breaching' | 'ok' | 'insufficient';
  /** The figure compared (a metric, or the long window's burn rate); null without data. */
  value: number | null;
  reason: string;
}

/** Where a rule stands between evaluations. */
export interface AlarmTracker {
  state: AlarmState;
  /** Consecutive breaching evaluations so far. */
  breachingStreak: number;
  /** When the state last changed (unix ms); null before the first evaluation. */
  sinceMs: number | null;
}

export interface Transition {
  from: AlarmState;
  to: AlarmState;
  atMs: number;
  value: number | null;
  reason: string;
  /**
   * Whether receivers are told: every change is, except a new rule's first INSUFFICIENT_DATA → OK
   * ("this rule is fine" at creation is noise, and would resolve pages nobody opened).
   */
  notify: boolean;
}

export const INITIAL_TRACKER: AlarmTracker = { state: 'INSUFFICIENT_DATA', breachingStreak: 0, sinceMs: null };

/**
 * The next state after one evaluation, and the transition to notify when the state changed.
 * ALARM needs `datapointsToAlarm` breaching evaluations in a row (no flapping on one bad
 * minute); one good evaluation is enough to return to OK, and no data is INSUFFICIENT_DATA at
 * once. Staying in a state is never a transition, so nothing is notified twice.
 */
export function observe(tracker: AlarmTracker, observation: Observation, datapointsToAlarm: number, atMs: number): { tracker: AlarmTracker; transition: Transition | null } {
  const breachingStreak = observation.outcome === 'breaching' ? tracker.breachingStreak + 1 : 0;
  let next: AlarmState = tracker.state;
  if (observation.outcome === 'ok') next = 'OK';
  else if (observation.outcome === 'insufficient') next = 'INSUFFICIENT_DATA';
  else if (breachingStreak >= Math.max(1, datapointsToAlarm)) next = 'ALARM';
  if (next === tracker.state) return { tracker: { ...tracker, breachingStreak }, transition: null };
  const firstVerdict = tracker.sinceMs === null && tracker.state === 'INSUFFICIENT_DATA' && next === 'OK';
  return {
    tracker: { state: next, breachingStreak, sinceMs: atMs },
    transition: { from: tracker.state, to: next, atMs, value: observation.value, reason: observation.reason, notify: !firstVerdict },
  };
}
