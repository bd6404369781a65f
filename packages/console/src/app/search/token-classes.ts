import type { ScannedToken } from './filter-scan.ts';
import { AGGREGATES, ANNOTATION_PREFIX, COMPARISON_OPS, fieldOf, FLAG_WORDS, isFunctionName, LOGIC_PUNCT, LOGIC_WORDS, MATCH_OPS, STRUCTURAL_OPS, VALUE_WORDS, WORD_OPS } from './filter-vocabulary.ts';

/** What a token is to the person reading the expression; each has its colour (`tok-<class>` in search.css). */
export type TokenClass =
  | 'scope'
  | 'field'
  | 'attribute'
  | 'operator'
  | 'structural'
  | 'logic'
  | 'string'
  | 'number'
  | 'keyword'
  | 'function'
  | 'punct'
  | 'plain'
  | 'invalid';

export interface TokenRole {
  cls: TokenClass;
  /** A field or attribute written with its scope (`span.`, `resource.`, `.`, `span:`, `annotation.`): how many characters the scope takes. */
  scopeLength: number;
}

const COMPARISONS = new Set<string>([...COMPARISON_OPS, ...MATCH_OPS]);
const WORD_OP_SET = new Set(WORD_OPS.map((op) => op.toLowerCase()));
const KEYWORDS = new Set<string>([...VALUE_WORDS, ...FLAG_WORDS]);
const ONLY_STRUCTURAL = new Set<string>(STRUCTURAL_OPS.filter((op) => !COMPARISONS.has(op)));
const AGGREGATE_SET = new Set<string>(AGGREGATES);

/** For each `(` and `)`: the function it calls (lower case), or null for parentheses that group. */
export function calleesOf(tokens: readonly ScannedToken[]): Map<number, string | null> {
  const callees = new Map<number, string | null>();
  const open: number[] = [];
  tokens.forEach((token, i) => {
    if (token.kind !== 'punct') return;
    if (token.text === '(') {
      const before = tokens[i - 1];
      callees.set(i, before?.kind === 'word' && isFunctionName(before.text) ? before.text.toLowerCase() : null);
      open.push(i);
    } else if (token.text === ')') {
      const opener = open.pop();
      callees.set(i, opener === undefined ? null : callees.get(opener)!);
    }
  });
  return callees;
}

/** A comparison operator, of either spelling: what follows it is a value. */
export function isComparison(token: ScannedToken | undefined): boolean {
  if (token === undefined) return false;
  return (token.kind === 'punct' && COMPARISONS.has(token.text)) || (token.kind === 'word' && WORD_OP_SET.has(token.text.toLowerCase()));
}

/** `>` `<` `!~` relate span sets after `}` or a group's `)`, and compare elsewhere (`count() > 2`, `duration > 8`). */
export function isStructural(tokens: readonly ScannedToken[], i: number, callees: Map<number, string | null>): boolean {
  const token = tokens[i];
  if (token?.kind !== 'punct' || !(STRUCTURAL_OPS as readonly string[]).includes(token.text)) return false;
  if (ONLY_STRUCTURAL.has(token.text)) return true;
  const before = tokens[i - 1];
  if (before?.kind !== 'punct') return false;
  if (before.text === '}') return true;
  if (before.text !== ')') return false;
  const callee = callees.get(i - 1);
  return callee === null || callee === undefined || !AGGREGATE_SET.has(callee);
}

/** The role of every token, read in its place: `error` is a flag at the start of a condition and a value after `status =`. */
export function tokenRoles(tokens: readonly ScannedToken[]): TokenRole[] {
  const callees = calleesOf(tokens);
  return tokens.map((token, i) => {
    const plain = (cls: TokenClass): TokenRole => ({ cls, scopeLength: 0 });
    switch (token.kind) {
      case 'string':
      case 'unclosed':
        return plain('string');
      case 'number':
        return plain('number');
      case 'unknown':
        return plain('invalid');
      case 'punct':
        if ((LOGIC_PUNCT as readonly string[]).includes(token.text)) return plain('logic');
        if (isStructural(tokens, i, callees)) return plain('structural');
        return plain(isComparison(token) ? 'operator' : 'punct');
      case 'word':
        return wordRole(tokens, i);
    }
  });
}

function wordRole(tokens: readonly ScannedToken[], i: number): TokenRole {
  const token = tokens[i] as ScannedToken & { kind: 'word' };
  const word = token.text.toLowerCase();
  const plain = (cls: TokenClass): TokenRole => ({ cls, scopeLength: 0 });
  if (!token.quoted) {
    if ((LOGIC_WORDS as readonly string[]).includes(word)) return plain('logic');
    if (WORD_OP_SET.has(word)) return plain('operator');
    // After an operator a word is a value: `kind = server`, `span.x = nil`.
    if (isComparison(tokens[i - 1])) return plain('keyword');
    const next = tokens[i + 1];
    if (isFunctionName(word) && next?.kind === 'punct' && next.text === '(') return plain('function');
    if (KEYWORDS.has(word)) return plain('keyword');
  }
  const field = fieldOf(token.text, token.quoted === true);
  if (field === null) return plain('plain');
  if (field.kind === 'known') return { cls: 'field', scopeLength: field.field.name.includes(':') ? field.field.name.indexOf(':') + 1 : 0 };
  return { cls: 'attribute', scopeLength: field.kind === 'annotation' ? ANNOTATION_PREFIX.length : field.prefix.length };
}
