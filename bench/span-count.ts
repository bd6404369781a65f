/** "100k", "1m", "10M", "2500000" -> a span count. */
export function parseSpanCount(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (!match) throw new Error(`--spans: "${text}" is not a span count (examples: 100k, 1m, 2500000)`);
  const scale = { '': 1, k: 1_000, m: 1_000_000 }[match[2]!.toLowerCase() as '' | 'k' | 'm'];
  const value = Math.round(Number(match[1]) * scale);
  if (value < 1) throw new Error(`--spans: "${text}" must be at least 1`);
  return value;
}

/** 1000000 -> "1m", 100000 -> "100k": how result files and tables name a store size. */
export function spanCountLabel(count: number): string {
  if (count >= 1_000_000 && count % 100_000 === 0) return `${count / 1_000_000}m`;
  if (count >= 1_000 && count % 100 === 0) return `${count / 1_000}k`;
  return String(count);
}
