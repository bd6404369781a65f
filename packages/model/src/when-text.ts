/** How long ago `ms` was, as people say it: `just now`, `12 s ago`, `3 min ago`, `5 h ago`, `2 d ago`. */
export function formatAgo(ms: number, nowMs: number): string {
  const seconds = Math.floor((nowMs - ms) / 1000);
  // A clock a little ahead of ours is "now" too.
  if (seconds < 1) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** A moment as every view writes it, in local time: `2026-12-07 22:41:05`, or `…05.123` with `milliseconds` (log lines). */
export function formatInstant(ms: number, milliseconds = false): string {
  const at = new Date(ms);
  const seconds = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  return milliseconds ? `${seconds}.${String(at.getMilliseconds()).padStart(3, '0')}` : seconds;
}
