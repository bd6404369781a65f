import { spanToJson } from '@stitch/model';
import type { UnpairedSpans } from './unpaired-spans.ts';

export interface RegistrationOptions {
  sinkUrl: string;
  token: string;
  /** Where central reaches this agent's read API. */
  readUrl: string;
  everyMs: number;
  unpaired: UnpairedSpans;
  log: (message: string) => void;
}

/** Unpaired spans sent per heartbeat at most; more waiting sends the next one at once. */
const SPANS_PER_HEARTBEAT = 5_000;

/**
 * Tells central, with the link's token, where this account's spans can be read, again every
 * `everyMs` (central keeps members in memory, so it learns them back after a restart), and
 * hands over the spans the local service map could not pair. Central's answer also says whether
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
      await this.beat();
      if (this.stopped) return;
      this.timer = setTimeout(() => this.beatThenSchedule(), this.options.unpaired.size >= SPANS_PER_HEARTBEAT ? 0 : this.options.everyMs);
      this.timer.unref();
    });
  }

  /** Stops the heartbeats after one last one, which hands over what the service map settled on the way out. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.beating;
    if (this.options.unpaired.size > 0) await this.beat();
  }

  /** One heartbeat; resolves when central answered (or could not be reached). */
  private async beat(): Promise<void> {
    const spans = this.options.unpaired.peek(SPANS_PER_HEARTBEAT);
    try {
      const response = await fetch(`${this.options.sinkUrl}/api/federation/members`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ readUrl: this.options.readUrl, unpaired: spans.map(spanToJson) }),
        signal: AbortSignal.timeout(10_000),
      });
      const answer = (await response.json().catch(() => ({}))) as { error?: string };
      if (response.status === 401 || response.status === 403) {
        if (!this.refusal) this.options.log(`agent: central refuses this account's link (${response.status}: ${answer.error ?? ''}); reads refused until it accepts again`);
        this.refusal = { status: response.status, message: answer.error ?? `central answered ${response.status}` };
      } else if (response.ok) {
        this.refusal = null;
        this.registered = true;
        this.options.unpaired.confirm(spans);
      } else {
        this.options.log(`agent: central answered ${response.status} to the heartbeat: ${answer.error ?? ''}`);
      }
    } catch (error) {
      this.options.log(`agent: central not reached for the heartbeat (${(error as Error).message})`);
    }
  }
}
