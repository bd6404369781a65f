import { describeCondition, type AlarmRule } from '@stitch/metrics';
import type { HistoryEntry } from './alarm-registry.ts';

/**
 * What a webhook receives for one state change. `eventId` is also the `Idempotency-Key` header:
 * retries of one event carry the same id, so a receiver that saw it already can drop it;
 * `sequence` orders one rule's events (a retried ALARM may arrive after the OK that followed it).
 */
export interface AlarmEvent {
  eventId: string;
  sequence: number;
  alarm: { id: string; name: string; condition: string };
  from: HistoryEntry['from'];
  to: HistoryEntry['to'];
  at: string;
  value: number | null;
  reason: string;
}

export function alarmEvent(rule: AlarmRule, entry: HistoryEntry): AlarmEvent {
  const { eventId, sequence, from, to, at, value, reason } = entry;
  return { eventId, sequence, alarm: { id: rule.id, name: rule.name, condition: describeCondition(rule.condition) }, from, to, at, value, reason };
}
