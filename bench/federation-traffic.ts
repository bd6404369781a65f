import { checkoutTraces } from '@stitch/test-support/fixtures';
import { nanos, type Account, type Nanos, type Span } from '@stitch/model';

// The federation phase's data: an hour of the five-account checkout traffic. checkoutTraces spreads
// its traces over ten minutes from a fixed instant, so the hour is six blocks, each generated with
// its own seed (trace ids start with the seed in hex: distinct seeds, distinct ids) and moved
// k x 10 minutes later. A small share of every block has a 9 s Stripe call: the slow traces the
// on-call searches for.

const BLOCK_MS = 600_000;
export const BLOCKS = 6;
const HOUR_MS = BLOCKS * BLOCK_MS;
/** 1 in 100 traces is slow; at least 4 per block, so even a small hour fills a page of 20. */
const SLOW_SHARE = 0.01;
const MIN_SLOW_PER_BLOCK = 4;
const SLOW_STRIPE_MS = [8_500, 9_000] as const;

export interface HourOfCheckouts {
  /** Every trace, oldest start first: the order an hour of live traffic arrives in. */
  traces: Span[][];
  spanCount: number;
  slowTraces: number;
  /** The accounts the spans are in, by id. */
  accounts: Account[];
  /** The hour the traces start in (the last ones end a few seconds after it). */
  window: { startMs: number; endMs: number };
}

/** A copy of the trace `shift` later. */
function shifted(trace: readonly Span[], shift: bigint): Span[] {
  const later = (at: Nanos) => nanos(at + shift);
  return trace.map((span) => ({
    ...span,
    startTimeUnixNano: later(span.startTimeUnixNano),
    endTimeUnixNano: later(span.endTimeUnixNano),
    events: span.events.map((event) => ({ ...event, timeUnixNano: later(event.timeUnixNano) })),
  }));
}

const startOf = (trace: readonly Span[]) => trace.reduce((min, span) => (span.startTimeUnixNano < min ? span.startTimeUnixNano : min), trace[0]!.startTimeUnixNano);

/** About `traceCount` checkout traces over one hour (a multiple of six: the same count per block). */
export function hourOfCheckouts(traceCount: number, seed: number): HourOfCheckouts {
  const perBlock = Math.max(MIN_SLOW_PER_BLOCK + 1, Math.round(traceCount / BLOCKS));
  const slowPerBlock = Math.max(MIN_SLOW_PER_BLOCK, Math.round(perBlock * SLOW_SHARE));
  // Seeds of eight hex digits at most (the id prefix): the bench seed in the high bits, the block below.
  const base = (seed % 0x10000) * 0x100;
  const traces: Span[][] = [];
  for (let block = 0; block < BLOCKS; block++) {
    const shift = BigInt(block * BLOCK_MS) * 1_000_000n;
    const generated = [...checkoutTraces(perBlock - slowPerBlock, base + block), ...checkoutTraces(slowPerBlock, base + 0x80 + block, { stripeMs: SLOW_STRIPE_MS })];
    for (const trace of generated) traces.push(block === 0 ? trace : shifted(trace, shift));
  }
  const starts = new Map(traces.map((trace) => [trace, startOf(trace)]));
  traces.sort((a, b) => (starts.get(a)! < starts.get(b)! ? -1 : starts.get(a)! > starts.get(b)! ? 1 : 0));
  const accounts = new Map<string, Account>();
  for (const span of traces[0]!) accounts.set(span.account.id, span.account);
  const firstMs = Number(starts.get(traces[0]!)! / 1_000_000n);
  const startMs = firstMs - (firstMs % BLOCK_MS);
  return {
    traces,
    spanCount: traces.reduce((sum, trace) => sum + trace.length, 0),
    slowTraces: slowPerBlock * BLOCKS,
    accounts: [...accounts.values()].sort((a, b) => a.id.localeCompare(b.id)),
    window: { startMs, endMs: startMs + HOUR_MS },
  };
}
