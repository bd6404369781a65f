import { FilterSyntaxError } from './filter-syntax-error.ts';

export type Token =
  | { kind: 'word'; text: string; column: number; quoted?: true }
  | { kind: 'string'; text: string; column: number }
  | { kind: 'number'; value: number; unit: string | null; text: string; column: number }
  | { kind: 'punct'; text: string; column: number }
  | { kind: 'end'; column: number };

// Longest first where one is the start of another. `&&` `||` are AND and OR (TraceQL's spelling).
// `>>` `<<` `~` and their `!` and `&` forms relate span sets (TraceQL's structure); `!~` is also a regex's.
const PUNCTUATION = [
  '&&', '||', '&>>', '&<<', '&>', '&<', '&~', '!>>', '!<<', '!=', '!~', '!>', '!<', '=~', '<=', '>=', '==', '>>', '<<', '!', '=', '<', '>', '~',
  '(', ')', '{', '}', ',', '|',
  // Arithmetic on numbers (TraceQL's `10 * 1024 * 1024`); a `-` before a digit starts a number.
  '+', '-', '*', '/', '%', '^',
];
// A word may start with a dot: TraceQL's `.key`, an attribute of the span or its resource.
const WORD_START = /[A-Za-z_]/;
// Dots join field names (http.status); dashes, colons and slashes appear in annotation keys.
const WORD_PART = /[A-Za-z0-9_.\-:/]/;
const ESCAPES: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', '/': '/', n: '\n', t: '\t', r: '\r' };

/** Splits an expression into tokens; columns are 1-based, counted in UTF-16 code units. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const column = i + 1;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"' || ch === "'") {
      const { value, next } = readString(text, i);
      tokens.push({ kind: 'string', text: value, column });
      i = next;
    } else if (ch === '`') {
      // TraceQL's raw string: no escapes, handy for regular expressions.
      const end = text.indexOf('`', i + 1);
      if (end < 0) throw new FilterSyntaxError('string not closed: add the closing `', column);
      tokens.push({ kind: 'string', text: text.slice(i + 1, end), column });
      i = end + 1;
    } else if (/[0-9]/.test(ch) || ((ch === '.' || ch === '-') && /[0-9]/.test(text[i + 1] ?? '')) || (ch === '-' && text[i + 1] === '.' && /[0-9]/.test(text[i + 2] ?? ''))) {
      const match = /^(-?\d*\.?\d+(?:[eE][+-]?\d+)?)([A-Za-zµ]*)/.exec(text.slice(i, i + 64))!;
      tokens.push({ kind: 'number', value: Number(match[1]), unit: match[2] || null, text: match[0], column });
      i += match[0].length;
    } else if (WORD_START.test(ch) || (ch === '.' && /[A-Za-z_"']/.test(text[i + 1] ?? ''))) {
      let end = i + 1;
      while (end < text.length && WORD_PART.test(text[end]!)) end++;
      const word = text.slice(i, end);
      if (word.endsWith('.') && (text[end] === '"' || text[end] === "'")) {
        // A quoted attribute name, for keys with spaces or symbols: span."cart items", ."x=y".
        const { value, next } = readString(text, end);
        tokens.push({ kind: 'word', text: word + value, column, quoted: true });
        i = next;
      } else {
        tokens.push({ kind: 'word', text: word, column });
        i = end;
      }
    } else {
      const punct = PUNCTUATION.find((p) => text.startsWith(p, i));
      if (!punct) throw new FilterSyntaxError(`unexpected character ${JSON.stringify(ch)}`, column);
      tokens.push({ kind: 'punct', text: punct === '==' ? '=' : punct, column });
      i += punct.length;
    }
  }
  tokens.push({ kind: 'end', column: text.length + 1 });
  return tokens;
}

function readString(text: string, start: number): { value: string; next: number } {
  const quote = text[start]!;
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === quote) return { value, next: i + 1 };
    if (ch === '\\') {
      const escaped = text[i + 1];
      if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      if (escaped === undefined || !(escaped in ESCAPES)) {
        throw new FilterSyntaxError(`unknown escape ${JSON.stringify(`\\${escaped ?? ''}`)} in a string (use \\" \\' \\\\ \\n \\t or \\uXXXX)`, i + 1);
      }
      value += ESCAPES[escaped];
      i += 2;
      continue;
    }
    value += ch;
    i++;
  }
  throw new FilterSyntaxError(`string not closed: add the closing ${quote}`, start + 1);
}
