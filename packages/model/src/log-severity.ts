/**
 * OTLP's severity ranges: each name covers four numbers (TRACE 1–4, DEBUG 5–8, INFO 9–12,
 * WARN 13–16, ERROR 17–20, FATAL 21–24); 0 is unspecified.
 */
export const SEVERITY_NUMBERS = { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 } as const;

/** What loggers call their levels, beyond OTLP's own names. */
const ALIASES: Record<string, keyof typeof SEVERITY_NUMBERS> = {
  warning: 'warn',
  err: 'error',
  critical: 'fatal',
  crit: 'fatal',
  panic: 'fatal',
  emergency: 'fatal',
  alert: 'fatal',
  notice: 'info',
  information: 'info',
  verbose: 'debug',
  dbg: 'debug',
  trc: 'trace',
};

/** A level's number: a name (`warn`, `WARNING`, `Error`, `INFO2`), or a number 0–24; null when neither. */
export function severityNumberOf(level: string | number): number | null {
  if (typeof level === 'number') return Number.isInteger(level) && level >= 0 && level <= 24 ? level : null;
  const text = level.trim().toLowerCase();
  if (/^\d{1,2}$/.test(text)) return severityNumberOf(Number(text));
  // OTLP's SEVERITY_NUMBER_WARN2 and the short forms WARN2 … name one step within a range.
  const match = /^(?:severity_number_)?([a-z]+?)([234])?$/.exec(text);
  if (!match) return null;
  const name = (match[1]! in SEVERITY_NUMBERS ? match[1] : ALIASES[match[1]!]) as keyof typeof SEVERITY_NUMBERS | undefined;
  if (!name) return null;
  return SEVERITY_NUMBERS[name] + (match[2] ? Number(match[2]) - 1 : 0);
}

/** TRACE, DEBUG, INFO, WARN, ERROR or FATAL for a number 1–24; '' for 0 (unspecified). */
export function severityNameOf(severityNumber: number): string {
  if (severityNumber <= 0) return '';
  const names = Object.keys(SEVERITY_NUMBERS);
  return names[Math.min(names.length - 1, Math.floor((severityNumber - 1) / 4))]!.toUpperCase();
}
