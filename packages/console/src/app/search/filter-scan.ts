import { FilterSyntaxError, tokenize, type Token } from '@stitch/query';

// The lexer's columns are of the stretch it read: extents replace them.
type LexedToken = Exclude<Token, { kind: 'end' }> extends infer T ? (T extends Token ? Omit<T, 'column'> : never) : never;

/**
 * A token of the typed text with where it stands (0-based offsets, `end` exclusive). Besides the
 * lexer's own: `unclosed`, a string still being typed (to the end of the text); `unknown`, a
 * character the lexer refuses.
 */
export type ScannedToken = (LexedToken | { kind: 'unclosed'; text: string } | { kind: 'unknown'; text: string }) & { start: number; end: number };

/**
 * The query package's lexer over a text as it is being typed: where it throws (an unclosed
 * string, `{ .` before the key), what it could read is kept and the rest marked, so colours and
 * completions come from the same tokens the parser reads.
 */
export function scanFilter(text: string): ScannedToken[] {
  const scanned: ScannedToken[] = [];
  let from = 0;
  while (from < text.length) {
    const { tokens, readable } = longestLexable(text, from);
    scanned.push(...tokens);
    if (readable >= text.length) break;
    if (`"'\``.includes(text[readable]!)) {
      // A string (or a quoted attribute name) that is not closed yet: it runs to the end.
      scanned.push({ kind: 'unclosed', text: text.slice(readable + 1), start: readable, end: text.length });
      break;
    }
    scanned.push({ kind: 'unknown', text: text[readable]!, start: readable, end: readable + 1 });
    from = readable + 1;
  }
  return scanned;
}

/** The tokens of the longest stretch from `from` the lexer reads, and where it stopped. */
function longestLexable(text: string, from: number): { tokens: ScannedToken[]; readable: number } {
  let readable = text.length;
  for (;;) {
    try {
      return { tokens: withExtents(tokenize(text.slice(from, readable)), text, from), readable };
    } catch (error) {
      if (!(error instanceof FilterSyntaxError)) throw error;
      // The lexer names the column at fault: read up to it (always less than before).
      readable = Math.min(readable - 1, from + error.column - 1);
    }
  }
}

/** A token runs from its column to the next token's, less the blanks between. */
function withExtents(tokens: Token[], text: string, offset: number): ScannedToken[] {
  const extents: ScannedToken[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) {
    const { column, ...token } = tokens[i] as Exclude<Token, { kind: 'end' }>;
    const start = offset + column - 1;
    let end = offset + tokens[i + 1]!.column - 1;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    extents.push({ ...(token as LexedToken), start, end });
  }
  return extents;
}
