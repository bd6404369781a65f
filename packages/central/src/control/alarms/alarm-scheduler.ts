import { evaluateRule, observe, type AlarmInputs, type Observation } from '@stitch/metrics';
import { alarmEvent } from './alarm-event.ts';
import type { AlarmRegistry, HistoryEntry } from './alarm-registry.ts';
import type { RetryPolicy } from './retrying-delivery.ts';
import { fanOut } from './webhook-fan-out.ts';

export interface AlarmOptions {
  /** Rules, state and history; in memory when not given (`stitch central --data DIR` keeps DIR/alarms.json). */
  registry?: AlarmRegistry;
  /** How often every rule is evaluated (default 60 s). */
  evaluateEveryMs?: number;
  /** Per webhook request (default 5 s). */
  webhookTimeoutMs?: number;
  /** Retries of a failed webhook request, and the first wait (doubled each time). */
  webhookRetries?: RetryPolicy['retries'];
  webhookBackoffMs?: RetryPolicy['backoffMs'];
}

export interface Evaluation {
  observation: Observation;
  /** The state change it caused, with its deliveries once they are all in. */
  transition: HistoryEntry | null;
}

const SWEEP_CONCURRENCY = 4;

/**
 * Evaluates every rule on a timer, and one on request. One rule's evaluations run one after the
 * other (a scheduled one and an "evaluate now" never interleave); a transition is recorded,
 * then sent to the rule's webhooks, and their outcomes are added to it when all are in.
 */
export class AlarmScheduler {
  private readonly timer: NodeJS.Timeout;
  private readonly perRule = new Map<string, Promise<unknown>>();
  private readonly deliveries = new Set<Promise<void>>();
  private sweeping = false;
  /** Cuts webhook requests and retry waits short when central closes. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly registry: AlarmRegistry,
    private readonly inputs: AlarmInputs,
    private readonly options: AlarmOptions,
    private readonly now: () => number,
    private readonly log: (message: string) => void,
  ) {
    this.timer = setInterval(() => void this.evaluateAll(), options.evaluateEveryMs ?? 60_000);
    this.timer.unref();
  }

  /**
   * Every rule, a few at a time (each is a store read or three), unless the previous sweep is
   * still running: a slow store must not pile sweeps up.
   */
  async evaluateAll(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    const ids = this.registry.list().map((alarm) => alarm.rule.id);
    const worker = async () => {
      for (let id = ids.shift(); id !== undefined; id = ids.shift()) {
        await this.evaluate(id, false).catch((error: unknown) => this.log(`alarm ${id}: not evaluated (${(error as Error).message})`));
      }
    };
    try {
      await Promise.all(Array.from({ length: SWEEP_CONCURRENCY }, worker));
    } finally {
      this.sweeping = false;
    }
  }

  /** Evaluates one rule now; with `awaitDeliveries`, answers once every webhook has its outcome. */
  evaluate(id: string, awaitDeliveries: boolean): Promise<Evaluation | null> {
    const previous = this.perRule.get(id) ?? Promise.resolve();
    const run = previous.catch(() => {}).then(() => this.evaluateOnce(id, awaitDeliveries));
    this.perRule.set(id, run);
    void run.finally(() => {
      if (this.perRule.get(id) === run) this.perRule.delete(id);
    }).catch(() => {});
    return run;
  }

  /** Stops the schedule; notifications on their way are cut short and recorded as failed. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await Promise.allSettled([...this.perRule.values()]);
    await Promise.allSettled([...this.deliveries]);
  }

  private async evaluateOnce(id: string, awaitDeliveries: boolean): Promise<Evaluation | null> {
    const alarm = this.registry.get(id);
    if (!alarm) return null;
    const nowMs = this.now();
    const rule = alarm.rule;
    const observation = await evaluateRule(rule, this.inputs, nowMs);
    const { tracker, transition } = observe(alarm.tracker, observation, rule.datapointsToAlarm, nowMs);
    const entry = await this.registry.record(id, observation, tracker, transition);
    if (!entry || !transition?.notify || rule.webhooks.length === 0) return { observation, transition: entry };
    const event = alarmEvent(rule, entry);
    const policy = { timeoutMs: this.options.webhookTimeoutMs ?? 5_000, retries: this.options.webhookRetries ?? 3, backoffMs: this.options.webhookBackoffMs ?? 500 };
    const delivered = fanOut(rule.webhooks, event, policy, this.stopping.signal)
      .then((outcomes) => this.registry.recordDeliveries(id, entry.eventId, outcomes))
      .catch((error: unknown) => this.log(`alarm ${id}: deliveries of ${entry.eventId} not recorded (${(error as Error).message})`));
    this.deliveries.add(delivered);
    void delivered.finally(() => this.deliveries.delete(delivered));
    if (!awaitDeliveries) return { observation, transition: entry };
    await delivered;
    // The entry as kept now, with the deliveries' outcomes (each change keeps a new copy of the state).
    const kept = this.registry.get(id)?.history.find((candidate) => candidate.eventId === entry.eventId);
    return { observation, transition: kept ?? entry };
  }
}
