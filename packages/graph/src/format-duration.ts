/** A duration for people: `9.8 s`, `520 ms`, `4.2 ms`, `80 µs`. */
export function formatDuration(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  const ms = Number(value < 0n ? -value : value) / 1e6;
  if (ms >= 1000) return `${sign}${(ms / 1000).toFixed(ms >= 100_000 ? 0 : 1)} s`;
  if (ms >= 10) return `${sign}${Math.round(ms)} ms`;
  if (ms >= 1) return `${sign}${ms.toFixed(1)} ms`;
  return `${sign}${Math.round(ms * 1000)} µs`;
}

/** A change, always signed: `+8.1 s`, `-20 ms`. */
export const formatChange = (value: bigint): string => (value < 0n ? formatDuration(value) : `+${formatDuration(value)}`);
