const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Intervals a clock is read in; ticks fall on their multiples in local time (on the hour, at midnight). */
const INTERVALS = [SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY];

/**
 * The ticks of a time axis over [startMs, endMs]: the first interval that gives at most
 * `maxTicks`, on its round multiples in local time. Labels are the clock (`14:30`, `14:30:15`
 * when ticks are seconds apart) and the date (`05-14`) at midnight. `offsetMinutes` is the zone's,
 * as Date.getTimezoneOffset gives it (minutes behind UTC: -120 in UTC+2).
 */
export function clockTicks(startMs: number, endMs: number, maxTicks: number, offsetMinutes: number): Array<{ tMs: number; text: string }> {
  if (!(endMs > startMs)) return [];
  const interval = INTERVALS.find((candidate) => (endMs - startMs) / candidate <= maxTicks) ?? INTERVALS.at(-1)!;
  const toLocal = -offsetMinutes * MINUTE;
  const ticks = [];
  for (let local = Math.ceil((startMs + toLocal) / interval) * interval; local - toLocal <= endMs; local += interval) {
    ticks.push({ tMs: local - toLocal, text: clockText(local, interval) });
  }
  return ticks;
}

/** A local time (ms as if the zone were UTC) as the tick says it. */
function clockText(local: number, interval: number): string {
  const iso = new Date(local).toISOString();
  if (local % DAY === 0) return iso.slice(5, 10);
  return interval < MINUTE ? iso.slice(11, 19) : iso.slice(11, 16);
}

/** A step of the series as people say it: `15 s`, `1 min`, `2 h`, `1 d` (`250 ms` below a second). */
export function stepText(stepMs: number): string {
  const units: Array<[number, string]> = [
    [DAY, 'd'],
    [HOUR, 'h'],
    [MINUTE, 'min'],
    [SECOND, 's'],
  ];
  const [size, name] = units.find(([size]) => stepMs >= size && stepMs % size === 0) ?? units.find(([size]) => stepMs >= size) ?? [1, 'ms'];
  return `${Number((stepMs / size).toFixed(2))} ${name}`;
}
