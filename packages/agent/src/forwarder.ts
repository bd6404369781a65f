import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { ApiError } from '@stitch/http';
import { CentralTransport } from './central-transport.ts';
import { Spool, SpoolWriteError, type PayloadFormat, type SpooledBatch } from './spool.ts';

const gzipAsync = promisify(gzip);

export interface ForwarderOptions {
  sinkUrl: string;
  token: string;
  /** Where batches wait for central; null keeps them in memory (lost if the agent dies). */
  spoolDir?: string | null;
  /** Beyond this much waiting, the oldest batches are dropped, counted and logged. */
  maxSpoolBytes?: number;
  /** Batches on their way to central at once. */
  concurrency?: number;
  /** Where on central the batches go (default /v1/traces; the logs' forwarder: /v1/logs). */
  path?: string;
  log: (message: string) => void;
}

/** Central refused the link's credential: new data is refused at the door until it accepts again. */
export interface Refusal {
  status: number;
  message: string;
  atMs: number;
}

const MAX_BACKOFF_MS = 10_000;
/** Central's Retry-After is honoured up to this long. */
const MAX_RETRY_AFTER_MS = 60_000;
/** What a sender is told to wait when the spool cannot write (OTLP exporters retry a 503 after it). */
export const SPOOL_RETRY_AFTER_S = 2;
const DEFAULT_CONCURRENCY = 4;

/**
 * Everything the agent accepted, on its way to central: spooled first (an accepted batch
 * survives the agent being killed), then handed to the transport gzip-compressed, oldest first,
 * several at once, each under its content key as the Idempotency-Key so a retry after a lost
 * answer is not stored twice. While central is down or busy (what the transport calls
 * retryable) the batches wait and are retried with exponential backoff and jitter, and not
 * before central's Retry-After.
 */
export class Forwarder {
  private readonly spool: Spool;
  private readonly inFlight = new Set<string>();
  private readonly transport: CentralTransport;
  private backoffTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  /** Set from central's Retry-After. */
  private retryNotBeforeMs = 0;
  private closed = false;
  private idleWaiters: Array<(drained: boolean) => void> = [];
  sentBatches = 0;
  refusedBatches = 0;
  refusal: Refusal | null = null;

  constructor(private readonly options: ForwarderOptions) {
    this.spool = new Spool(options.spoolDir ?? null, options.maxSpoolBytes ?? 256 * 1024 * 1024, options.log);
    this.transport = new CentralTransport({ sinkUrl: options.sinkUrl, path: options.path ?? '/v1/traces', token: options.token, connections: options.concurrency ?? DEFAULT_CONCURRENCY });
    if (this.spool.length > 0) options.log(`agent: ${this.spool.length} spooled batches from before; sending them`);
    this.pump();
  }

  /**
   * Spools a request body (compressing it unless `gzipped`); resolves once it is durable. When the
   * spool cannot write (a full disk), throws the sender's answer: 503 with Retry-After, which OTLP
   * exporters retry (a 500 they would drop).
   */
  async accept(body: Buffer, format: PayloadFormat, gzipped = false): Promise<void> {
    const compressed = gzipped ? body : await gzipAsync(body, { level: 1 });
    let dropped: number;
    try {
      dropped = await this.spool.append(compressed, format, this.inFlight);
    } catch (error) {
      if (!(error instanceof SpoolWriteError)) throw error;
      this.options.log(`agent: ${error.message}; answering 503 until it can`);
      throw new ApiError(503, `spool: the agent cannot store the batch now (${error.code}); retry in ${SPOOL_RETRY_AFTER_S} s`, { cause: error, headers: { 'retry-after': String(SPOOL_RETRY_AFTER_S) } });
    }
    if (dropped > 0) this.options.log(`agent: spool full: dropped the ${dropped} oldest batches; ${this.spool.droppedBatches} dropped in all`);
    this.pump();
  }

  get waitingBatches(): number {
    return this.spool.length;
  }

  get spooledBytes(): number {
    return this.spool.sizeBytes;
  }

  get droppedBatches(): number {
    return this.spool.droppedBatches;
  }

  /** Spooled files that failed their check (torn, corrupted, unreadable): moved aside, never sent. */
  get quarantinedBatches(): number {
    return this.spool.quarantinedBatches;
  }

  /** Resolves true once nothing waits, false at the next failed send. */
  whenIdle(): Promise<boolean> {
    if (this.spool.length === 0 && this.inFlight.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private settleWaiters(drained: boolean): void {
    if (drained && (this.spool.length > 0 || this.inFlight.size > 0)) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve(drained);
  }

  private pump(): void {
    if (this.closed || this.backoffTimer) return;
    while (this.inFlight.size < (this.options.concurrency ?? DEFAULT_CONCURRENCY)) {
      const batch = this.spool.next(this.inFlight);
      if (!batch) break;
      this.inFlight.add(batch.name);
      void this.send(batch).then((delivered) => {
        this.inFlight.delete(batch.name);
        if (delivered) {
          this.failures = 0;
          this.settleWaiters(true);
          this.pump();
        } else {
          this.settleWaiters(false);
          this.backOff();
        }
      });
    }
  }

  /** Batches sent together fail together: one failed round is one step of the backoff. */
  private backOff(): void {
    if (this.closed || this.backoffTimer) return;
    this.failures += 1;
    const backoff = Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(this.failures, 10)) * (0.5 + Math.random() / 2);
    const delay = Math.max(backoff, this.retryNotBeforeMs - Date.now());
    this.backoffTimer = setTimeout(() => {
      this.backoffTimer = null;
      this.pump();
    }, delay);
  }

  /** True when the batch left the spool (delivered, or refused for good); false to retry later. */
  private async send(batch: SpooledBatch): Promise<boolean> {
    const body = await this.spool.read(batch);
    if (body === null) return true; // quarantined (logged): it left the spool
    const outcome = await this.transport.send({ body, format: batch.format, key: batch.key });
    if (outcome.kind === 'retryable') {
      if (outcome.retryAfterMs !== null && outcome.retryAfterMs > 0) this.retryNotBeforeMs = Math.max(this.retryNotBeforeMs, Date.now() + Math.min(outcome.retryAfterMs, MAX_RETRY_AFTER_MS));
      this.options.log(`agent: ${outcome.reason}; ${this.spool.length} batches kept, retrying`);
      return false;
    }
    if (outcome.kind === 'delivered') {
      this.sentBatches += 1;
      this.refusal = null;
    } else {
      // A revoked link or a batch central cannot read: retrying would not help. Counted and logged.
      this.refusedBatches += 1;
      this.options.log(`agent: central refused a batch (${outcome.status}): ${outcome.reason}; ${this.refusedBatches} refused in all`);
      if (outcome.status === 401 || outcome.status === 403) this.refusal = { status: outcome.status, message: outcome.reason, atMs: Date.now() };
    }
    await this.spool.remove(batch.name);
    return true;
  }

  /** Stops sending; what is still spooled waits for the next agent on the same directory. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.backoffTimer) clearTimeout(this.backoffTimer);
    this.backoffTimer = null;
    while (this.inFlight.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    this.settleWaiters(false);
    this.transport.close();
  }
}
