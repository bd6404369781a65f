import { ApiError } from '@stitch/http';
import { INITIAL_TRACKER, type AlarmRule, type AlarmTracker, type AlarmTransitionJson, type DeliveryOutcome, type Observation, type Transition } from '@stitch/metrics';
import { AuditedState } from '../audited-state.ts';
import { newId } from '../links/link-model.ts';

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

  async create(input: AlarmRuleInput): Promise<StoredAlarm> {
    if (this.saved.state.alarms.length >= MAX_RULES) throw new ApiError(400, `alarms: at most ${MAX_RULES} rules; delete some first`);
    const alarm: StoredAlarm = { rule: { id: newId('alarm'), ...input }, createdAt: new Date(this.saved.now()).toISOString(), tracker: { ...INITIAL_TRACKER }, history: [], nextSequence: 1 };
    this.saved.state.alarms.push(alarm);
    await this.save({ action: 'alarm.create', id: alarm.rule.id, detail: alarm.rule.name });
    return alarm;
  }

  /** Replaces a rule's definition; its state and history stay, and the next evaluation decides anew. */
  async update(id: string, input: AlarmRuleInput): Promise<StoredAlarm> {
    const alarm = this.required(id);
    alarm.rule = { id, ...input };
    alarm.tracker = { ...alarm.tracker, breachingStreak: 0 };
    await this.save({ action: 'alarm.update', id, detail: input.name });
    return alarm;
  }

  async remove(id: string): Promise<void> {
    const alarm = this.required(id);
    this.saved.state.alarms = this.saved.state.alarms.filter((other) => other !== alarm);
    await this.save({ action: 'alarm.delete', id, detail: alarm.rule.name });
  }

  /**
   * Keeps an evaluation's outcome: what it found and the tracker always, and a transition as a new history entry
   * (saved). Null when the rule was deleted meanwhile or nothing changed.
   */
  async record(id: string, observation: Observation, tracker: AlarmTracker, transition: Transition | null): Promise<HistoryEntry | null> {
    const alarm = this.get(id);
    if (!alarm) return null;
    alarm.tracker = tracker;
    alarm.lastEvaluation = { at: new Date(this.saved.now()).toISOString(), ...observation };
    if (!transition) return null;
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
    await this.save({ action: 'alarm.transition', id, detail: `${entry.from} → ${entry.to}: ${entry.reason}` });
    return entry;
  }

  /** The receivers' outcomes of one event, once all are in. */
  async recordDeliveries(id: string, eventId: string, deliveries: DeliveryOutcome[]): Promise<void> {
    const entry = this.get(id)?.history.find((candidate) => candidate.eventId === eventId);
    if (!entry) return;
    entry.deliveries = deliveries;
    const failed = deliveries.filter((delivery) => delivery.outcome === 'failed').length;
    await this.save({ action: 'alarm.delivery', id, detail: `${eventId}: ${deliveries.length - failed} delivered, ${failed} failed` });
  }

  private required(id: string): StoredAlarm {
    const alarm = this.get(id);
    if (!alarm) throw new ApiError(404, `id: no alarm ${id}`);
    return alarm;
  }

  private save(audited: { action: string; id: string; detail: string }): Promise<void> {
    return this.saved.save(audited);
  }
}
