import { BYTES_PER_GB, type PriceSheet } from './price-sheet.ts';

/** A sampling rule's rates, as X-Ray means them: `fixedTarget` requests a second (the reservoir, fleet-wide), then `rate` of the rest. */
export interface SamplingRates {
  fixedTarget: number;
  rate: number;
}

export interface WhatIfInput {
  /** The service's traces recorded over `observedSeconds`. */
  tracesRecorded: number;
  observedSeconds: number;
  /** Their bytes, to price the change's bytes (per trace, from the same usage). */
  bytesIngested: number;
  bytesStored: number;
  /** The rule that applies to the service today, and the one proposed. */
  current: SamplingRates;
  proposed: SamplingRates;
  /** Every service's traces recorded in a month at today's pace (the free tier is shared). */
  allTracesPerMonth: number;
  prices: PriceSheet;
}

export interface WhatIfAnswer {
  /** Requests reaching the service, estimated from what was recorded under today's rule. */
  incomingPerSecond: number;
  /** True when today's rule records nothing past its reservoir (rate 0) and the service records at least the reservoir: the incoming estimate is only a lower bound. */
  incomingIsLowerBound: boolean;
  recordedPerSecond: { current: number; proposed: number };
  tracesPerMonth: { current: number; proposed: number; change: number };
  /** A month's bill before and after, and the change: every service's traces recorded (past the shared free tier), plus this service's bytes. */
  costPerMonth: { current: number; proposed: number; change: number };
}

/** GET /api/cost/what-if's answer: the estimate, with the rules compared and the usage it was made from. */
export interface WhatIfJson extends WhatIfAnswer {
  service: string;
  /** Present when the estimate covers one account's traces of the service. */
  account?: string;
  rule: SamplingRates & { name: string };
  proposed: SamplingRates;
  observed: { startDay: string; endDay: string; tracesRecorded: number; bytesIngested: number; bytesStored: number; seconds: number; firstSeenMs: number | null; lastSeenMs: number | null };
  /** "checkout to 100 % ⇒ +N traces a month, +$X". */
  summary: string;
}

export const MONTH_SECONDS = 30 * 86_400;

/** Requests a second that a rule records out of `incoming` a second (traffic spread evenly). */
export function recordedRate(incoming: number, rule: SamplingRates): number {
  return Math.min(incoming, rule.fixedTarget) + rule.rate * Math.max(0, incoming - rule.fixedTarget);
}

/** The inverse: requests a second that make a rule record `recorded` a second. */
export function incomingRate(recorded: number, rule: SamplingRates): { incoming: number; lowerBound: boolean } {
  if (recorded < rule.fixedTarget || (recorded === rule.fixedTarget && rule.rate > 0)) return { incoming: recorded, lowerBound: false };
  if (rule.rate <= 0) return { incoming: recorded, lowerBound: true };
  return { incoming: rule.fixedTarget + (recorded - rule.fixedTarget) / rule.rate, lowerBound: false };
}

/** What a month of `traces` recorded traces costs, past the free tier. */
function recordedBill(traces: number, prices: PriceSheet): number {
  return (Math.max(0, traces - prices.freeTracesRecordedPerMonth) * prices.perMillionTracesRecorded) / 1e6;
}

/** What the bytes of `traces` of the service cost (priced per GB; 0 with the default sheet). */
function bytesBill(traces: number, bytesPerTrace: { ingested: number; stored: number }, prices: PriceSheet): number {
  return ((traces * bytesPerTrace.ingested) / BYTES_PER_GB) * prices.perGbIngested + ((traces * bytesPerTrace.stored) / BYTES_PER_GB) * prices.perGbStored;
}

/**
 * "checkout to 100 % ⇒ +N traces a month, +$X": the service's incoming requests estimated from
 * what today's rule recorded (evenly spread over the observed time), recorded under the proposed
 * rule instead, projected to a 30-day month and priced with the sheet, free tier included.
 * Reads are left out (they follow what people look at, not what is recorded).
 */
export function whatIf(input: WhatIfInput): WhatIfAnswer {
  const seconds = Math.max(1, input.observedSeconds);
  const recordedNow = input.tracesRecorded / seconds;
  const { incoming, lowerBound } = incomingRate(recordedNow, input.current);
  const recordedThen = recordedRate(incoming, input.proposed);
  const current = recordedNow * MONTH_SECONDS;
  const proposed = recordedThen * MONTH_SECONDS;
  const perTrace = input.tracesRecorded === 0 ? { ingested: 0, stored: 0 } : { ingested: input.bytesIngested / input.tracesRecorded, stored: input.bytesStored / input.tracesRecorded };
  // The free tier is the whole installation's: what the other services record uses it up too.
  const others = Math.max(0, input.allTracesPerMonth - current);
  const billNow = recordedBill(others + current, input.prices) + bytesBill(current, perTrace, input.prices);
  const billThen = recordedBill(others + proposed, input.prices) + bytesBill(proposed, perTrace, input.prices);
  return {
    incomingPerSecond: incoming,
    incomingIsLowerBound: lowerBound,
    recordedPerSecond: { current: recordedNow, proposed: recordedThen },
    tracesPerMonth: { current, proposed, change: proposed - current },
    costPerMonth: { current: billNow, proposed: billThen, change: billThen - billNow },
  };
}
