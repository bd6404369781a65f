// Usage is kept per UTC day ('YYYY-MM-DD'): the same day whatever the server's time zone, and
// string order is time order.

const DAY_MS = 86_400_000;
export const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function utcDayOf(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function addDays(day: string, days: number): string {
  return utcDayOf(dayStartMs(day) + days * DAY_MS);
}

/** 'YYYY-MM' of a day. */
export const monthOf = (day: string): string => day.slice(0, 7);

/** The first and last day of the day's calendar month. */
export function monthBounds(day: string): { first: string; last: string } {
  const first = `${monthOf(day)}-01`;
  const next = new Date(dayStartMs(first));
  next.setUTCMonth(next.getUTCMonth() + 1);
  return { first, last: utcDayOf(next.getTime() - DAY_MS) };
}
