/** Escapes the lexer reads back (lexer.ts: \" \\ \n \t \r \uXXXX); anything else below a space as \uXXXX. */
export function quoteString(value: string): string {
  const escaped = value.replace(/[\\"\u0000-\u001f]/g, (ch) => {
    if (ch === '\\' || ch === '"') return `\\${ch}`;
    if (ch === '\n') return '\\n';
    if (ch === '\t') return '\\t';
    if (ch === '\r') return '\\r';
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return `"${escaped}"`;
}

/** A value as a regular expression matching exactly it (RE2's metacharacters escaped), quoted. */
export function quotePattern(value: string): string {
  return quoteString(value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&'));
}

/** Characters a bare attribute key may hold (the lexer's word characters). */
const BARE_KEY = /^[A-Za-z0-9_.\-:/]+$/;

/** An attribute's name as the language writes it: `span.db.system`, quoted where the lexer would cut it (`span."cart items"`). */
export function attributeName(prefix: 'span.' | 'resource.' | '.' | 'event.' | 'link.', key: string): string {
  // After a lone dot the lexer wants a letter or _ (`.5` is a number).
  const bare = BARE_KEY.test(key) && (prefix !== '.' || /^[A-Za-z_]/.test(key));
  return bare ? `${prefix}${key}` : `${prefix}${quoteString(key)}`;
}
