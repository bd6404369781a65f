import { scanFilter } from './filter-scan.ts';
import { tokenRoles, type TokenClass } from './token-classes.ts';

/** A stretch of the expression drawn in one colour; `cls` null for the blanks between tokens. */
export interface HighlightRun {
  text: string;
  cls: TokenClass | null;
  /** Underlined: the parser's column at fault falls here. */
  atFault: boolean;
}

/**
 * The expression cut into coloured runs that put together give back the text exactly (the
 * highlight lies under the input, character for character). `faultColumn` (1-based, the
 * parser's) underlines the token there; past the end it underlines one blank cell after the text.
 */
export function highlightRuns(text: string, faultColumn: number | null): HighlightRun[] {
  const tokens = scanFilter(text);
  const roles = tokenRoles(tokens);
  const pieces: Array<{ start: number; end: number; cls: TokenClass | null }> = [];
  let at = 0;
  tokens.forEach((token, i) => {
    const { cls, scopeLength } = roles[i]!;
    if (token.start > at) pieces.push({ start: at, end: token.start, cls: null });
    if (scopeLength > 0) pieces.push({ start: token.start, end: token.start + scopeLength, cls: 'scope' });
    if (token.start + scopeLength < token.end) pieces.push({ start: token.start + scopeLength, end: token.end, cls });
    at = token.end;
  });
  if (at < text.length) pieces.push({ start: at, end: text.length, cls: null });

  const fault = faultColumn === null ? null : faultColumn - 1;
  const runs: HighlightRun[] = [];
  for (const piece of pieces) {
    const holdsFault = fault !== null && fault >= piece.start && fault < piece.end;
    if (holdsFault && piece.cls === null) {
      // A blank at fault: underline that one character.
      const cut = [piece.start, fault, fault + 1, piece.end];
      for (let k = 0; k < 3; k++) if (cut[k]! < cut[k + 1]!) runs.push({ text: text.slice(cut[k], cut[k + 1]), cls: null, atFault: k === 1 });
    } else {
      runs.push({ text: text.slice(piece.start, piece.end), cls: piece.cls, atFault: holdsFault });
    }
  }
  if (fault !== null && fault >= text.length) runs.push({ text: ' ', cls: null, atFault: true });
  return runs;
}
