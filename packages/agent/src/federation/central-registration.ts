import { METRIC_RECORDS_PER_HEARTBEAT } from '@stitch/federation';
import { spanToJson } from '@stitch/model';
import type { MetricOutbox } from './metric-outbox.ts';
import type { UnpairedSpans } from './unpaired-spans.ts';

export interface RegistrationOptions {
  sinkUrl: string;
  token: string;
  /** Where central reaches this agent's read API. */
  readUrl: string;
  everyMs: number;
  unpaired: UnpairedSpans;
  metrics: MetricOutbox;
  log: (message: string) => void;
}

/** Unpaired spans sent per heartbeat at most; more waiting sends the next one at once. */
const SPANS_PER_HEARTBEAT = 5_000;
/** Heartbeats at most on the way out, handing over what is still waiting. */
const LAST_HEARTBEATS = 20;

/**
 * Tells central, with the link's token, where this account's spans can be read, again every
 * `everyMs` (central keeps members in memory, so it learns them back after a restart), and
 * hands over the spans the local service map could not pair and the span metrics counted here
 * (records not confirmed are sent again, under the same batch id). Central's answer also says whether
 * the link still stands: once it refuses (a deleted link), the read API refuses central too.
 */
export class CentralRegistration {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Central's refusal (a deleted link, a link without traces), or null while it accepts. */
  refusal: { status: number; message: string } | null = null;
  /** Set once central accepted a heartbeat. */
  registered = false;

  constructor(private readonly options: RegistrationOptions) {}

  private beating: Promise<void> = Promise.resolve();

  start(): void {
    this.beatThenSchedule();
  }

  // One heartbeat at a time: two in flight would hand the same unpaired spans over twice.
  private beatThenSchedule(): void {
    this.beating = this.beating.then(async () => {
      const delivered = await this.beat();
      if (this.stopped) return;
      this.timer = setTimeout(() => this.beatThenSchedule(), delivered && this.backlog() ? 0 : this.options.everyMs);
      this.timer.unref();
    });
  }

  /**
   * Stops the heartbeats after last ones, which hand over what the service map settled on the way
   * out and the last span metrics, for as long as central takes them.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.beating;
    for (let beats = 0; beats < LAST_HEARTBEATS && (this.options.unpaired.size > 0 || this.options.metrics.size > 0); beats++) {
      if (!(await this.beat())) break;
    }
  }

  /** More waiting than one heartbeat carries: the next one goes at once. */
  private backlog(): boolean {
    return this.options.unpaired.size >= SPANS_PER_HEARTBEAT || this.options.metrics.size > METRIC_RECORDS_PER_HEARTBEAT;
  }

  /** One heartbeat; resolves when central answered (or could not be reached): true when it took what was sent. */
  private async beat(): Promise<boolean> {
    const spans = this.options.unpaired.peek(SPANS_PER_HEARTBEAT);
    const metrics = this.options.metrics.next();
    try {
      const response = await fetch(`${this.options.sinkUrl}/api/federation/members`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ readUrl: this.options.readUrl, unpaired: spans.map(spanToJson), ...(metrics && { metrics }) }),
        signal: AbortSignal.timeout(10_000),
      });
      const answer = (await response.json().catch(() => ({}))) as { error?: string; metrics?: { batchId?: unknown } };
      if (response.status === 401 || response.status === 403) {
        if (!this.refusal) this.options.log(`agent: central refuses this agent's registration (${response.status}: ${answer.error ?? ''}); reads refused until it accepts again`);
        this.refusal = { status: response.status, message: answer.error ?? `central answered ${response.status}` };
      } else if (response.ok) {
        this.refusal = null;
        this.registered = true;
        this.options.unpaired.confirm(spans);
        // Only central's echo of the id confirms: a central that ignored the records did not store them.
        if (!metrics) return true;
        if (answer.metrics?.batchId !== metrics.batchId) return false;
        this.options.metrics.confirm(metrics.batchId);
        return true;
      } else {
        this.options.log(`agent: central answered ${response.status} to the heartbeat: ${answer.error ?? ''}`);
      }
    } catch (error) {
      this.options.log(`agent: central not reached for the heartbeat (${(error as Error).message})`);
    }
    return false;
  }
}
