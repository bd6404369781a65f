import type { AlarmCondition, AlarmState } from './alarm-rule.ts';
import type { Observation } from './alarm-state.ts';

/** What became of one event at one receiver, as the history keeps it. */
export interface DeliveryOutcome {
  url: string;
  outcome: 'delivered' | 'failed';
  /** The last answer's status; null when there was none (timeout, refused connection). */
  status: number | null;
  attempts: number;
  error?: string;
}

/** One state change of a rule, with what became of its notification at each receiver (as kept, and as GET /api/alarms/{id}/history answers it). */
export interface AlarmTransitionJson {
  eventId: string;
  sequence: number;
  from: AlarmState;
  to: AlarmState;
  at: string;
  value: number | null;
  reason: string;
  /** False for a new rule's first OK, which is recorded and not sent. */
  notified: boolean;
  /** One per webhook, in the rule's order; empty while they are on their way (or when not notified). */
  deliveries: DeliveryOutcome[];
}

/** A rule as GET /api/alarms answers it: its state, and webhooks without the secrets of their paths. */
export interface AlarmJson {
  id: string;
  name: string;
  condition: AlarmCondition;
  description: string;
  datapointsToAlarm: number;
  webhooks: string[];
  state: AlarmState;
  since: string | null;
  breachingStreak: number;
  lastEvaluation: ({ at: string } & Observation) | null;
  createdAt: string;
  /** The latest transitions, newest first. */
  recent: AlarmTransitionJson[];
}
