/**
 * X-Ray's wildcard match: `*` any run of characters, `?` exactly one, everything else literal,
 * case-insensitive (as the X-Ray SDKs and OpenTelemetry's X-Ray sampler match).
 */
export function globMatches(pattern: string, text: string): boolean {
  if (pattern === '*') return true;
  const p = pattern.toLowerCase();
  const t = text.toLowerCase();
  // Iterative match with backtracking to the last `*`: linear in practice, no regular expression built from user text.
  let pi = 0;
  let ti = 0;
  let star = -1;
  let resume = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === t[ti])) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      resume = ti;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++resume;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}
