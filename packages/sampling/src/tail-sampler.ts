import { ArrivalOrderMap, traceBoundsOf, type Span } from '@stitch/model';
import { spanHasFlag } from '@stitch/query';
import { z } from 'zod';

/** Which traces tail sampling keeps, decided once a trace is complete (no span for `idleMs`). */
export interface TailPolicies {
  /** Keep every trace with an error (4xx) or a fault (5xx, error status). */
  keepErrors: boolean;
  /** Keep every trace slower than a threshold; with `service` (and `route`), only traces through that service's spans (of that route). */
  slowerThan: Array<{ thresholdMs: number; service?: string; route?: string }>;
  /** Share (0..1) of the other traces kept. */
  probability: number;
  /** A trace is complete once no span of it arrived for this long. */
  idleMs: number;
}

export const DEFAULT_TAIL_POLICIES: TailPolicies = { keepErrors: true, slowerThan: [{ thresholdMs: 2_000 }], probability: 0.1, idleMs: 5_000 };

export type TailPolicyName = 'errors' | 'slow' | 'probabilistic';

export interface TailCounts {
  kept: Record<TailPolicyName, number>;
  /** Traces (and their spans) the probabilistic share left out. */
  droppedTraces: number;
  droppedSpans: number;
}

interface Buffered {
  spans: Span[];
  lastSeenMs: number;
}

/**
 * Tail sampling: spans wait here, grouped by trace from whichever agent they come, until the
 * trace has been idle for `idleMs`; then the policies decide, in order (errors, slow, the
 * probabilistic share), and the kept traces go on to storage. Pure: time and draws are passed in.
 */
export class TailSampler {
  /** In order of last activity, oldest first: the first not idle long enough ends a decision round. */
  private readonly traces = new ArrivalOrderMap<string, Buffered>();
  private bufferedSpans = 0;
  readonly counts: TailCounts = { kept: { errors: 0, slow: 0, probabilistic: 0 }, droppedTraces: 0, droppedSpans: 0 };

  constructor(
    private readonly policies: TailPolicies,
    /** Beyond this many buffered spans the oldest traces are decided early. */
    private readonly maxBufferedSpans = 1_000_000,
  ) {}

  get waitingSpans(): number {
    return this.bufferedSpans;
  }

  add(spans: readonly Span[], nowMs: number): void {
    for (const span of spans) {
      const trace = this.traces.get(span.traceId) ?? { spans: [], lastSeenMs: nowMs };
      trace.spans.push(span);
      trace.lastSeenMs = nowMs;
      // Set again: it moves to the back, the most recently active.
      this.traces.set(span.traceId, trace);
      this.bufferedSpans += 1;
    }
  }

  /** The traces complete at `nowMs` (all of them with `everything`), decided: what to store. */
  decide(nowMs: number, draw: () => number, everything = false): Span[][] {
    const kept: Span[][] = [];
    const due = (trace: Buffered) => everything || trace.lastSeenMs <= nowMs - this.policies.idleMs || this.bufferedSpans > this.maxBufferedSpans;
    for (let oldest = this.traces.oldest(); oldest && due(oldest[1]); oldest = this.traces.oldest()) {
      const [, trace] = this.traces.takeOldest()!;
      this.bufferedSpans -= trace.spans.length;
      const policy = this.policyKeeping(trace.spans, draw);
      if (policy) {
        this.counts.kept[policy] += 1;
        kept.push(trace.spans);
      } else {
        this.counts.droppedTraces += 1;
        this.counts.droppedSpans += trace.spans.length;
      }
    }
    return kept;
  }

  private policyKeeping(spans: readonly Span[], draw: () => number): TailPolicyName | null {
    if (this.policies.keepErrors && spans.some((span) => spanHasFlag(span, 'error') || spanHasFlag(span, 'fault'))) return 'errors';
    const bounds = traceBoundsOf(spans);
    const durationMs = bounds ? Number(bounds.endNanos - bounds.startNanos) / 1e6 : 0;
    const slow = this.policies.slowerThan.some(
      (rule) =>
        durationMs > rule.thresholdMs &&
        (rule.service === undefined || spans.some((span) => span.resource.serviceName === rule.service && (rule.route === undefined || span.http.route === rule.route))),
    );
    if (slow) return 'slow';
    return draw() < this.policies.probability ? 'probabilistic' : null;
  }
}

const tailPoliciesSchema = z
  .object({
    keepErrors: z.boolean(),
    slowerThan: z.array(z.object({ thresholdMs: z.number().positive(), service: z.string().min(1).max(256).optional(), route: z.string().min(1).max(512).optional() }).strict()).max(100),
    probability: z.number().min(0).max(1),
    idleMs: z.number().int().min(50).max(600_000),
  })
  .partial()
  .strict();

/** `--tail-sampling '{"slowerThan": [{"thresholdMs": 2000, "service": "checkout"}], "probability": 0.05}'`: any subset over the defaults. */
export function parseTailPolicies(text: string): TailPolicies {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('tail-sampling: not JSON (example: {"probability": 0.05, "idleMs": 5000})');
  }
  const parsed = tailPoliciesSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`tail-sampling${issue.path.length > 0 ? `.${issue.path.join('.')}` : ''}: ${issue.message}`);
  }
  const policies = { ...DEFAULT_TAIL_POLICIES };
  if (parsed.data.keepErrors !== undefined) policies.keepErrors = parsed.data.keepErrors;
  if (parsed.data.slowerThan !== undefined) policies.slowerThan = parsed.data.slowerThan.map((rule) => ({ thresholdMs: rule.thresholdMs, ...(rule.service ? { service: rule.service } : {}), ...(rule.route ? { route: rule.route } : {}) }));
  if (parsed.data.probability !== undefined) policies.probability = parsed.data.probability;
  if (parsed.data.idleMs !== undefined) policies.idleMs = parsed.data.idleMs;
  return policies;
}
