import { describeCondition, type AlarmJson } from '@stitch/metrics';
import type { HistoryEntry, StoredAlarm } from './alarm-registry.ts';
import { shownUrl } from './webhook-url.ts';

/** How many of a rule's latest transitions the list shows with it. */
const RECENT = 5;

/** A rule as the API answers it: its state, and webhooks without the secrets of their paths. */
export function alarmJson(alarm: StoredAlarm): AlarmJson {
  return {
    id: alarm.rule.id,
    name: alarm.rule.name,
    condition: alarm.rule.condition,
    description: describeCondition(alarm.rule.condition),
    datapointsToAlarm: alarm.rule.datapointsToAlarm,
    webhooks: alarm.rule.webhooks.map(shownUrl),
    state: alarm.tracker.state,
    since: alarm.tracker.sinceMs === null ? null : new Date(alarm.tracker.sinceMs).toISOString(),
    breachingStreak: alarm.tracker.breachingStreak,
    lastEvaluation: alarm.lastEvaluation ?? null,
    createdAt: alarm.createdAt,
    recent: newestFirst(alarm.history).slice(0, RECENT),
  };
}

export const newestFirst = (history: HistoryEntry[]) => [...history].reverse();
