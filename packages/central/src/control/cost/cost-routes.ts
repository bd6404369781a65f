import type { PricesJson } from '@stitch/api';
import { addDays, costReport, formatDollars, monthBounds, MONTH_SECONDS, utcDayOf, whatIf, type CostReport, type WhatIfJson } from '@stitch/cost';
import { ApiError, bodyOf } from '@stitch/http';
import type { UsageRow } from '@stitch/model';
import { matchingRule } from '@stitch/sampling';
import type { UsageReads } from '@stitch/store';
import { actorOf, type Principal } from '../../access/access-policy.ts';
import type { Route } from '../../http/route.ts';
import type { SamplingRegistry } from '../sampling/sampling-registry.ts';
import { onlyParams, parseDays, parseName, parseRate, parseWholeNumber } from './cost-params.ts';
import { priceChangeBody, type PriceBook } from './price-book.ts';

const MAX_BODY = 64 * 1024;
const DEFAULT_LOOKBACK_DAYS = 7;

export interface CostContext {
  prices: PriceBook;
  sampling: SamplingRegistry;
  /** Writes the meter's counts, so an answer includes the last seconds. */
  flushUsage: () => Promise<void>;
  now: () => number;
  /** The usage a caller may read (a scoped reader: its accounts'). */
  usageOf: (who: Principal) => UsageReads;
}

interface CostReads {
  store: UsageReads;
  prices: PriceBook;
  sampling: SamplingRegistry;
  now: () => number;
}

/**
 * Usage and cost per account, service and day (`start`, `end`), the price sheet (changed by the
 * admin, audited), and what a sampling change would cost (`service`, `rate`, `reservoir`,
 * `account`, `days`).
 */
export function costRoutes(context: CostContext): Route[] {
  const readsOf = async (who: Principal): Promise<CostReads> => {
    await context.flushUsage();
    return { ...context, store: context.usageOf(who) };
  };
  return [
    { method: 'GET', path: '/api/cost', access: 'read', handle: async ({ who, query }) => report(query, await readsOf(who)) },
    { method: 'GET', path: '/api/cost/what-if', access: 'read', handle: async ({ who, query }) => whatIfAnswer(query, await readsOf(who)) },
    { method: 'GET', path: '/api/cost/prices', access: 'read', handle: async () => ({ prices: context.prices.current() }) satisfies PricesJson },
    { method: 'PUT', path: '/api/cost/prices', access: 'manage', handle: async ({ req, who }) => ({ prices: await context.prices.change(await bodyOf(req, priceChangeBody, MAX_BODY), actorOf(who)) }) satisfies PricesJson },
    { method: 'DELETE', path: '/api/cost/prices', access: 'manage', handle: async ({ who }) => ({ prices: await context.prices.reset(actorOf(who)) }) satisfies PricesJson },
  ];
}

async function report(params: URLSearchParams, context: CostReads): Promise<CostReport> {
  onlyParams(params, ['start', 'end']);
  const { startDay, endDay } = parseDays(params, context.now());
  // The free tier counts over whole calendar months: read from the first day of the window's first month.
  const monthRows = await context.store.readUsage(monthBounds(startDay).first, monthBounds(endDay).last);
  const rows = monthRows.filter((row) => row.day >= startDay && row.day <= endDay);
  return costReport(rows, monthRows, context.prices.current(), startDay, endDay);
}

async function whatIfAnswer(params: URLSearchParams, context: CostReads): Promise<WhatIfJson> {
  onlyParams(params, ['service', 'rate', 'reservoir', 'account', 'days']);
  const service = parseName('service', params.get('service'), true)!;
  const account = parseName('account', params.get('account'), false);
  if (params.get('rate') === null) throw new ApiError(400, 'rate: required (the proposed sampling rate, e.g. 100% or 0.5)');
  const rate = parseRate('rate', params.get('rate')!);
  const days = params.get('days') === null ? DEFAULT_LOOKBACK_DAYS : parseWholeNumber('days', params.get('days')!, 1, 31);
  const nowMs = context.now();
  // The rule the service's new traces follow today: matched on the service alone (a rule that
  // needs a path or a method is not the service's rule as a whole).
  const rule = matchingRule((await context.sampling.current()).rules, { serviceName: service, ...(account === undefined ? {} : { accountId: account }) }, nowMs);
  const reservoir = params.get('reservoir') === null ? rule.fixedTarget : parseWholeNumber('reservoir', params.get('reservoir')!, 0, 1_000_000);
  const endDay = utcDayOf(nowMs);
  const startDay = addDays(endDay, -(days - 1));
  const everything = await context.store.readUsage(startDay, endDay);
  const mine = everything.filter((row) => row.serviceName === service && (account === undefined || row.accountId === account));
  const observed = observedUsage(mine);
  if (observed.tracesRecorded === 0) {
    throw new ApiError(404, `service: no traces of ${service}${account ? ` in account ${account}` : ''} were recorded in the last ${days} days (from ${startDay}); nothing to estimate from`);
  }
  const all = observedUsage(everything);
  // Every trace once, wherever it went: what the shared free tier is used up by.
  const allTraces = everything.reduce((sum, row) => sum + row.tracesFirstRecorded, 0);
  const answer = whatIf({
    tracesRecorded: observed.tracesRecorded,
    observedSeconds: observed.seconds,
    bytesIngested: observed.bytesIngested,
    bytesStored: observed.bytesStored,
    current: { fixedTarget: rule.fixedTarget, rate: rule.rate },
    proposed: { fixedTarget: reservoir, rate },
    allTracesPerMonth: (allTraces / Math.max(1, all.seconds)) * MONTH_SECONDS,
    prices: context.prices.current(),
  });
  const sign = (value: number) => (value >= 0 ? '+' : '−');
  const percent = `${+(rate * 100).toFixed(4)} %`;
  return {
    service,
    ...(account === undefined ? {} : { account }),
    rule: { name: rule.name, fixedTarget: rule.fixedTarget, rate: rule.rate },
    proposed: { fixedTarget: reservoir, rate },
    observed: { startDay, endDay, ...observed },
    ...answer,
    summary: `${service} to ${percent}${reservoir === rule.fixedTarget ? '' : ` (reservoir ${reservoir}/s)`} ⇒ ${sign(answer.tracesPerMonth.change)}${Math.round(Math.abs(answer.tracesPerMonth.change)).toLocaleString('en-US')} traces a month, ${sign(answer.costPerMonth.change)}${formatDollars(Math.abs(answer.costPerMonth.change))}`,
  };
}

/** Traces recorded in the rows, and the time between the first and the last of their spans (at least a second). */
function observedUsage(rows: readonly UsageRow[]) {
  let first = Infinity;
  let last = -Infinity;
  let tracesRecorded = 0;
  let bytesIngested = 0;
  let bytesStored = 0;
  for (const row of rows) {
    tracesRecorded += row.tracesRecorded;
    bytesIngested += row.bytesIngested;
    bytesStored += row.bytesStored;
    if (row.firstSeenMs !== null) first = Math.min(first, row.firstSeenMs);
    if (row.lastSeenMs !== null) last = Math.max(last, row.lastSeenMs);
  }
  const seconds = Number.isFinite(first) ? Math.max(1, (last - first) / 1000) : 1;
  return { tracesRecorded, bytesIngested, bytesStored, seconds, firstSeenMs: Number.isFinite(first) ? first : null, lastSeenMs: Number.isFinite(last) ? last : null };
}
