import { ApiError } from '@stitch/http';
import { INITIAL_TRACKER, type AlarmRule, type AlarmTracker, type AlarmTransitionJson, type DeliveryOutcome, type Observation, type Transition } from '@stitch/metrics';
import { AuditedState } from '../../state/audited-state.ts';
import { newId } from '../../access/links/link-model.ts';

/** One state change of a rule, as kept and as the API answers it. */
export type HistoryEntry = AlarmTransitionJson;

export interface StoredAlarm {
  rule: AlarmRule;
  createdAt: string;
  tracker: AlarmTracker;
  /** Oldest first, the newest `MAX_HISTORY` kept. */
  history: HistoryEntry[];
  nextSequence: number;
  /** What the latest evaluation found (saved with the next change). */
  lastEvaluation?: { at: string } & Observation;
}

interface SavedAlarms {
  alarms: StoredAlarm[];
}

export const MAX_HISTORY = 100;
export const MAX_RULES = 1_000;

export type AlarmRuleInput = Omit<AlarmRule, 'id'>;

/**
 * Alarm rules, where each stands, and their history, written through to `<data>/alarms.json`
 * (replaced atomically; rule changes and transitions appended to its audit log). State is saved
 * with each transition, so a restarted central does not notify a state again; the breaching
 * streak between transitions lives in memory only.
 */
export class AlarmRegistry {
  private constructor(private readonly saved: AuditedState<SavedAlarms>) {}

  static async open(file: string | null, now: () => number = Date.now): Promise<AlarmRegistry> {
    return new AlarmRegistry(await AuditedState.open<SavedAlarms>(file, { alarms: [] }, now));
  }

  list(): StoredAlarm[] {
    return [...this.saved.state.alarms];
  }

  get(id: string): StoredAlarm | null {
    return this.saved.state.alarms.find((alarm) => alarm.rule.id === id) ?? null;
  }

  create(input: AlarmRuleInput): Promise<StoredAlarm> {
    return this.saved.change((state, at) => {
      if (state.alarms.length >= MAX_RULES) throw new ApiError(400, `alarms: at most ${MAX_RULES} rules; delete some first`);
      const alarm: StoredAlarm = { rule: { id: newId('alarm'), ...input }, createdAt: at, tracker: { ...INITIAL_TRACKER }, history: [], nextSequence: 1 };
      state.alarms.push(alarm);
      return { audited: audited('alarm.create', alarm.rule.id, alarm.rule.name), result: alarm };
    });
  }

  /** Replaces a rule's definition; its state and history stay, and the next evaluation decides anew. */
  update(id: string, input: AlarmRuleInput): Promise<StoredAlarm> {
    return this.saved.change((state) => {
      const alarm = required(state, id);
      alarm.rule = { id, ...input };
      alarm.tracker = { ...alarm.tracker, breachingStreak: 0 };
      return { audited: audited('alarm.update', id, input.name), result: alarm };
    });
  }

  remove(id: string): Promise<void> {
    return this.saved.change((state) => {
      const alarm = required(state, id);
      state.alarms = state.alarms.filter((other) => other !== alarm);
      return { audited: audited('alarm.delete', id, alarm.rule.name), result: undefined };
    });
  }

  /**
   * Keeps an evaluation's outcome: what it found and the tracker always (in memory), and a
   * transition as a new history entry (saved). Null when the rule was deleted meanwhile or nothing changed.
   */
  record(id: string, observation: Observation, tracker: AlarmTracker, transition: Transition | null): Promise<HistoryEntry | null> {
    const keep = (state: SavedAlarms): StoredAlarm | null => {
      const alarm = state.alarms.find((candidate) => candidate.rule.id === id);
      if (!alarm) return null;
      alarm.tracker = tracker;
      alarm.lastEvaluation = { at: new Date(this.saved.now()).toISOString(), ...observation };
      return alarm;
    };
    if (!transition) return this.saved.changeInMemory((state) => (keep(state), null));
    return this.saved.change((state) => {
      const alarm = keep(state);
      if (!alarm) return { audited: null, result: null };
      const sequence = alarm.nextSequence++;
      const entry: HistoryEntry = {
        eventId: `${id}.${sequence}`,
        sequence,
        from: transition.from,
        to: transition.to,
        at: new Date(transition.atMs).toISOString(),
        value: transition.value,
        reason: transition.reason,
        notified: transition.notify,
        deliveries: [],
      };
      alarm.history.push(entry);
      if (alarm.history.length > MAX_HISTORY) alarm.history.splice(0, alarm.history.length - MAX_HISTORY);
      return { audited: audited('alarm.transition', id, `${entry.from} → ${entry.to}: ${entry.reason}`), result: entry };
    });
  }

  /** The receivers' outcomes of one event, once all are in. */
  recordDeliveries(id: string, eventId: string, deliveries: DeliveryOutcome[]): Promise<void> {
    return this.saved.change((state) => {
      const entry = state.alarms.find((alarm) => alarm.rule.id === id)?.history.find((candidate) => candidate.eventId === eventId);
      if (!entry) return { audited: null, result: undefined };
      entry.deliveries = deliveries;
      const failed = deliveries.filter((delivery) => delivery.outcome === 'failed').length;
      return { audited: audited('alarm.delivery', id, `${eventId}: ${deliveries.length - failed} delivered, ${failed} failed`), result: undefined };
    });
  }
}

function required(state: SavedAlarms, id: string): StoredAlarm {
  const alarm = state.alarms.find((candidate) => candidate.rule.id === id);
  if (!alarm) throw new ApiError(404, `id: no alarm ${id}`);
  return alarm;
}

function audited(action: string, id: string, detail: string): { action: string; id: string; detail: string } {
  return { action, id, detail };
}
