import { addDays, DAY_PATTERN, utcDayOf } from '@stitch/cost';
import { ApiError } from '@stitch/http';
import { parseTime } from '../../read/params.ts';

/** The longest window of a cost report. */
export const MAX_REPORT_DAYS = 366;

/** Refuses parameters the route does not know (a typo must not silently change the answer). */
export function onlyParams(params: URLSearchParams, known: readonly string[]): void {
  for (const key of params.keys()) {
    if (!known.includes(key)) throw new ApiError(400, `${key}: unknown parameter (known: ${known.join(', ')})`);
  }
}

/** A day: 'YYYY-MM-DD', or a time (unix ms, ISO-8601) whose UTC day is meant. */
export function parseDay(name: string, text: string): string {
  const trimmed = text.trim();
  if (DAY_PATTERN.test(trimmed)) {
    if (Number.isNaN(Date.parse(`${trimmed}T00:00:00Z`)) || utcDayOf(Date.parse(`${trimmed}T00:00:00Z`)) !== trimmed) throw new ApiError(400, `${name}: "${trimmed}" is not a day`);
    return trimmed;
  }
  return utcDayOf(Number(parseTime(name, trimmed) / 1_000_000n));
}

/** The report's days: `start` and `end` (both included); by default the last 30 days, today included. */
export function parseDays(params: URLSearchParams, nowMs: number): { startDay: string; endDay: string } {
  const endDay = params.get('end') ? parseDay('end', params.get('end')!) : utcDayOf(nowMs);
  const startDay = params.get('start') ? parseDay('start', params.get('start')!) : addDays(endDay, -29);
  if (startDay > endDay) throw new ApiError(400, 'start: must not be after end');
  if (addDays(startDay, MAX_REPORT_DAYS - 1) < endDay) throw new ApiError(400, `start: the window may span at most ${MAX_REPORT_DAYS} days`);
  return { startDay, endDay };
}

/** A sampling rate: "100%", "5 %", "0.05", "1". */
export function parseRate(name: string, text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  const value = match ? Number(match[1]) / (match[2] ? 100 : 1) : NaN;
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new ApiError(400, `${name}: "${text.slice(0, 40)}" is not a rate from 0 to 1 (or 0 % to 100 %)`);
  return value;
}

export function parseWholeNumber(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) throw new ApiError(400, `${name}: must be a whole number from ${min} to ${max}, got "${text.slice(0, 40)}"`);
  return value;
}

export function parseName(name: string, text: string | null, required: boolean): string | undefined {
  if (text === null || text.trim() === '') {
    if (required) throw new ApiError(400, `${name}: required`);
    return undefined;
  }
  if (text.length > 256) throw new ApiError(400, `${name}: longer than 256 characters`);
  return text;
}
