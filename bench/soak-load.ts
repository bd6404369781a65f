import type { OtlpSpan } from './otlp-proto.ts';
import { emptyTally, RetryingExporter, type ExportTally } from './retrying-exporter.ts';
import type { SpanLedger } from './span-ledger.ts';
import { checkoutTrace, encodeExport, SOAK_ACCOUNTS, SPANS_PER_TRACE } from './soak-traces.ts';

export interface SoakLoadOptions {
  /** Each account's agent (OTLP/HTTP base URL), in SOAK_ACCOUNTS order. */
  agentUrls: readonly string[];
  /** In total, over the five agents. */
  spansPerSecond: number;
  /** Service instances per account, each with its own exporter and connection. */
  instancesPerAccount: number;
  /**
   * How often an instance exports what it has (the batch span processor's schedule; its default
   * of 5 s would make fewer, larger deliveries, and the soak is about counting deliveries).
   */
  exportIntervalMs: number;
  /** An instance exports early once it has this many spans (the batch processor's 512). */
  maxExportSpans: number;
  salt: number;
  ledger: SpanLedger;
}

interface PendingExport {
  spans: OtlpSpan[];
  indices: number[];
}

const TICK_MS = 50;

/**
 * The services of the checkout, simulated in this process: traces made at a steady rate, each
 * trace's spans handed to the instances of the five accounts that took part (one instance per
 * account per trace), each instance exporting to its account's agent like an OTLP exporter.
 */
export class SoakLoad {
  readonly tally: ExportTally = emptyTally();
  private readonly exporters: RetryingExporter[][];
  private readonly pending: PendingExport[][];
  private readonly startedMs = Date.now();
  private lastExportMs = this.startedMs;
  private traces = 0;
  private skippedTraces = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: SoakLoadOptions) {
    const instances = Array.from({ length: options.instancesPerAccount }, (_, i) => i);
    this.exporters = SOAK_ACCOUNTS.map((_, account) => instances.map(() => new RetryingExporter(new URL('/v1/traces', options.agentUrls[account]), options.ledger, this.tally)));
    this.pending = SOAK_ACCOUNTS.map(() => instances.map(() => ({ spans: [], indices: [] })));
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** Spans made but not yet acknowledged or refused: in the instances' buffers or their exporters' queues. */
  backlogSpans(): number {
    let spans = 0;
    for (const row of this.pending) for (const pending of row) spans += pending.spans.length;
    for (const row of this.exporters) for (const exporter of row) spans += exporter.queuedSpans;
    return spans;
  }

  /** Stops making traces, exports what the instances hold and waits for every exporter (up to `deadlineMs`). */
  async stop(deadlineMs: number): Promise<void> {
    clearInterval(this.timer);
    this.exportAll();
    await Promise.all(this.exporters.flat().map((exporter) => exporter.shutdown(deadlineMs)));
  }

  private tick(): void {
    const now = Date.now();
    const tracesPerSecond = this.options.spansPerSecond / SPANS_PER_TRACE;
    let behind = Math.floor(((now - this.startedMs) / 1_000) * tracesPerSecond) - this.skippedTraces - this.traces;
    // After a long stall of the event loop, one second's worth at once, not a burst of everything missed.
    if (behind > Math.ceil(tracesPerSecond)) {
      this.skippedTraces += behind - Math.ceil(tracesPerSecond);
      behind = Math.ceil(tracesPerSecond);
    }
    for (; behind > 0; behind--) this.makeTrace(now);
    if (now - this.lastExportMs >= this.options.exportIntervalMs) {
      this.lastExportMs = now;
      this.exportAll();
    }
  }

  private makeTrace(now: number): void {
    const traceNumber = this.traces++;
    const instance = traceNumber % this.options.instancesPerAccount;
    const first = this.options.ledger.reserve(SPANS_PER_TRACE);
    for (const { account, index, span } of checkoutTrace(this.options.salt, traceNumber, first, now)) {
      this.options.ledger.setAccount(index, account);
      const pending = this.pending[account]![instance]!;
      pending.spans.push(span);
      pending.indices.push(index);
      if (pending.spans.length >= this.options.maxExportSpans) this.export(account, instance);
    }
  }

  private exportAll(): void {
    for (let account = 0; account < this.pending.length; account++) {
      for (let instance = 0; instance < this.options.instancesPerAccount; instance++) this.export(account, instance);
    }
  }

  private export(account: number, instance: number): void {
    const pending = this.pending[account]![instance]!;
    if (pending.spans.length === 0) return;
    this.exporters[account]![instance]!.export({ body: encodeExport(SOAK_ACCOUNTS[account]!, instance, pending.spans), spans: Uint32Array.from(pending.indices) });
    this.pending[account]![instance] = { spans: [], indices: [] };
  }
}
