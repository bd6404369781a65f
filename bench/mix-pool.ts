import { encodePayload, Rng, type EncodedPayload, type GeneratedTrace, type GenSpan, type PayloadPool, type PoolOptions } from './otlp-load.ts';
import { generateMixTraces, MIX_KINDS, mixIdentity, TRACE_SHARES, type MixKind } from './mix-traces.ts';

// The mix as each account's agent receives it: every account's spans batched apart (its
// services' exporters), up to `spansPerRequest` a request, so a large trace and a trace across
// accounts arrive in several requests. A share of the traces has its root span held back, 1 to
// 30 s after the rest of the trace (a batching SDK exporting the root, which ends last, in a
// later batch): children arrive before their parents. Built once, from the seed.

/** The accounts, each with its own agent (ids as otlp-load.ts's ACCOUNT_OF). */
export const MIX_ACCOUNTS = [
  { id: '111111111111', name: 'edge' },
  { id: '222222222222', name: 'checkout' },
  { id: '333333333333', name: 'catalog' },
  { id: '444444444444', name: 'payments' },
  { id: '555555555555', name: 'notifications' },
] as const;

/** Traces whose root span is sent late, and by how much. */
export const LATE_ROOT_SHARE = 0.2;
export const LATE_DELAYS_MS: readonly number[] = [1_000, 2_000, 5_000, 10_000, 20_000, 30_000];

export interface MixPayload extends EncodedPayload {
  /** 0, or how long after its place in the stream the sender holds it back (a late root span). */
  delayMs: number;
}

export interface MixStream {
  account: (typeof MIX_ACCOUNTS)[number];
  payloads: MixPayload[];
}

export interface MixPoolOptions extends PoolOptions {
  /** One large trace (1,000-10,000 spans) per this many spans generated, the first after half as many. */
  largeTraceEverySpans: number;
}

export interface MixPool extends PayloadPool {
  /** All streams' payloads (for the decode-only rate). */
  payloads: MixPayload[];
  /** Every account's payloads, in the order its exporters send them. */
  streams: MixStream[];
  /** Requests (a trace, with a message's consumer trace when it has one of its own) and spans of each kind. */
  kinds: Record<MixKind, { requests: number; spans: number }>;
  /** Root spans held back (and sent `delayMs` late). */
  lateRoots: number;
}

function pickKind(rng: Rng): Exclude<MixKind, 'large'> {
  let roll = rng.next();
  for (const [kind, share] of Object.entries(TRACE_SHARES) as Array<[Exclude<MixKind, 'large'>, number]>) {
    if ((roll -= share) < 0) return kind;
  }
  return 'checkout';
}

/** One account's batches in the making: one open batch per delay (0 = sent in order). */
class AccountBatcher {
  readonly payloads: MixPayload[] = [];
  private readonly open = new Map<number, Map<GeneratedTrace, GenSpan[]>>();
  private readonly counts = new Map<number, number>();

  constructor(private readonly spansPerRequest: number) {}

  add(trace: GeneratedTrace, spans: readonly GenSpan[], delayMs: number): void {
    for (const span of spans) {
      let batch = this.open.get(delayMs);
      if (!batch) this.open.set(delayMs, (batch = new Map()));
      const part = batch.get(trace);
      if (part) part.push(span);
      else batch.set(trace, [span]);
      const count = (this.counts.get(delayMs) ?? 0) + 1;
      this.counts.set(delayMs, count);
      if (count === this.spansPerRequest) this.flush(delayMs);
    }
  }

  flush(delayMs: number): void {
    const batch = this.open.get(delayMs);
    if (!batch || batch.size === 0) return;
    const parts = [...batch].map(([trace, spans]) => ({ ...trace, spans }));
    this.payloads.push({ ...encodePayload(parts, mixIdentity), delayMs });
    this.open.delete(delayMs);
    this.counts.delete(delayMs);
  }

  flushAll(): void {
    for (const delayMs of [...this.open.keys()]) this.flush(delayMs);
  }
}

/** Generates the mix and batches it per account, once, before anything is measured. */
export function buildMixPool(options: MixPoolOptions): MixPool {
  const rng = new Rng(options.seed);
  const batchers = new Map<string, AccountBatcher>(MIX_ACCOUNTS.map((account) => [account.id, new AccountBatcher(options.spansPerRequest)]));
  const kinds = Object.fromEntries(MIX_KINDS.map((kind) => [kind, { requests: 0, spans: 0 }])) as MixPool['kinds'];
  let spanCount = 0;
  let traceCount = 0;
  let lateRoots = 0;
  let nextLargeAt = options.largeTraceEverySpans / 2;

  while (spanCount < options.spans) {
    const large = spanCount >= nextLargeAt;
    if (large) nextLargeAt += options.largeTraceEverySpans;
    const kind = large ? 'large' : pickKind(rng);
    kinds[kind].requests += 1;
    for (const trace of generateMixTraces(rng, kind, options.anchorMs)) {
      const root = trace.spans.find((span) => span.parentSpanId === null)!;
      const lateMs = rng.chance(LATE_ROOT_SHARE) ? rng.pick(LATE_DELAYS_MS) : 0;
      if (lateMs > 0) lateRoots++;
      for (const account of MIX_ACCOUNTS) {
        const spans = trace.spans.filter((span) => mixIdentity(span.service).account === account.id && !(lateMs > 0 && span === root));
        batchers.get(account.id)!.add(trace, spans, 0);
      }
      if (lateMs > 0) batchers.get(mixIdentity(root.service).account)!.add(trace, [root], lateMs);
      kinds[kind].spans += trace.spans.length;
      spanCount += trace.spans.length;
      traceCount += 1;
    }
  }

  const streams = MIX_ACCOUNTS.map((account) => {
    const batcher = batchers.get(account.id)!;
    batcher.flushAll();
    return { account, payloads: batcher.payloads };
  });
  const payloads = streams.flatMap((stream) => stream.payloads);
  return {
    payloads,
    streams,
    spanCount,
    traceCount,
    byteCount: payloads.reduce((sum, payload) => sum + payload.body.byteLength, 0),
    kinds,
    lateRoots,
  };
}

/** Large traces make some 10 % of the spans: one of 5,500 spans on average per 50,000. */
export const DEFAULT_LARGE_TRACE_EVERY_SPANS = 50_000;
