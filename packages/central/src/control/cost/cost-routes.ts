import type { IncomingMessage, ServerResponse } from 'node:http';
import { addDays, costReport, formatDollars, monthBounds, MONTH_SECONDS, utcDayOf, whatIf, type CostReport, type WhatIfJson } from '@stitch/cost';
import { ApiError, bodyOf, sendJson } from '@stitch/http';
import type { UsageRow } from '@stitch/model';
import { matchingRule } from '@stitch/sampling';
import type { UsageReads } from '@stitch/store';
import type { SamplingRegistry } from '../sampling/sampling-registry.ts';
import { onlyParams, parseDays, parseName, parseRate, parseWholeNumber } from './cost-params.ts';
import { priceChangeBody, type PriceBook } from './price-book.ts';

const MAX_BODY = 64 * 1024;
const DEFAULT_LOOKBACK_DAYS = 7;

export interface CostContext {
  store: UsageReads;
  prices: PriceBook;
  sampling: SamplingRegistry;
  /** Writes the meter's counts, so an answer includes the last seconds. */
  flushUsage: () => Promise<void>;
  now: () => number;
  /** Who asks, for the price sheet's audit log. */
  actor: string;
}

/**
 * GET /api/cost?start=&end= (usage and cost per account, service and day), GET and PUT
 * /api/cost/prices (the price sheet), GET /api/cost/what-if?service=&rate=&reservoir=&account=&days=.
 */
export async function routeCost(req: IncomingMessage, res: ServerResponse, path: string, url: URL, context: CostContext): Promise<boolean> {
  const method = req.method ?? 'GET';
  if (path === '/api/cost/prices') {
    if (method === 'GET' || method === 'HEAD') {
      sendJson(res, 200, { prices: context.prices.current() });
      return true;
    }
    if (method === 'PUT') {
      const change = await bodyOf(req, priceChangeBody, MAX_BODY);
      sendJson(res, 200, { prices: await context.prices.change(change, context.actor) });
      return true;
    }
    if (method === 'DELETE') {
      sendJson(res, 200, { prices: await context.prices.reset(context.actor) });
      return true;
    }
    throw new ApiError(405, `method: ${path} takes GET, PUT or DELETE`, { headers: { allow: 'GET, PUT, DELETE' } });
  }
  if (path !== '/api/cost' && path !== '/api/cost/what-if') return false;
  if (method !== 'GET' && method !== 'HEAD') throw new ApiError(405, `method: ${path} takes GET`, { headers: { allow: 'GET' } });
  await context.flushUsage();
  sendJson(res, 200, path === '/api/cost' ? await report(url.searchParams, context) : await whatIfAnswer(url.searchParams, context));
  return true;
}

async function report(params: URLSearchParams, context: CostContext): Promise<CostReport> {
  onlyParams(params, ['start', 'end']);
  const { startDay, endDay } = parseDays(params, context.now());
  // The free tier counts over whole calendar months: read from the first day of the window's first month.
  const monthRows = await context.store.readUsage(monthBounds(startDay).first, monthBounds(endDay).last);
  const rows = monthRows.filter((row) => row.day >= startDay && row.day <= endDay);
  return costReport(rows, monthRows, context.prices.current(), startDay, endDay);
}

async function whatIfAnswer(params: URLSearchParams, context: CostContext): Promise<WhatIfJson> {
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
