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
