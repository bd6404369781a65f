import { RE2JS } from 're2js';

// `=~` and `!~` take RE2's syntax, which DuckDB and ClickHouse run as well: linear time whatever the
// pattern (no backreferences, no lookaround), so a hostile pattern cannot stall a store or central.
// The reference evaluator runs the same engine (re2js, RE2 ported to JavaScript), so every backend
// gives the same answer. A pattern matches the whole value, as in TraceQL (`"GET.*"`, not `"GET"`,
// for a prefix), and `.` matches a newline too: `(?s)` is set in every engine, whose defaults differ.

/** Longer patterns are refused: a pattern is typed by a person, and RE2's program grows with it. */
export const MAX_PATTERN_LENGTH = 512;

/** The pattern as every engine runs it: the whole value, `.` across lines. */
export const anchoredPattern = (pattern: string) => `(?s)^(?:${pattern})$`;

/** Null when RE2 accepts the pattern, else why not (for a FilterSyntaxError). */
export function patternProblem(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `the regular expression is longer than ${MAX_PATTERN_LENGTH} characters`;
  try {
    RE2JS.compile(anchoredPattern(pattern));
    return null;
  } catch (error) {
    return `invalid regular expression (RE2 syntax): ${(error as Error).message}`;
  }
}

const compiled = new Map<string, RE2JS>();

/** Whether `text` matches `pattern` (already checked by the parser) whole. */
export function matchesPattern(text: string, pattern: string): boolean {
  let regex = compiled.get(pattern);
  if (!regex) {
    if (compiled.size >= 256) compiled.clear();
    regex = RE2JS.compile(anchoredPattern(pattern));
    compiled.set(pattern, regex);
  }
  return regex.matcher(text).find();
}
