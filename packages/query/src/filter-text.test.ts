import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nanos, seededRandom, SPAN_KINDS, STATUS_CODES, TRACE_STATUSES } from '@stitch/model';
import { AGGREGATE_FUNCTIONS, FLAGS, MATCH_OPS, ORDER_OPS, STRUCTURAL_OPS, type SpanSource, TEXT_FIELDS, TEXT_OPS, type CompareExpr, type FilterExpr } from './ast.ts';
import { filterText } from './filter-text.ts';
import { parseFilter } from './parser.ts';

/** The tree without `column`s: where a node starts in the text is not part of its meaning. */
function withoutColumns(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutColumns);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'column').map(([key, inner]) => [key, withoutColumns(inner)]));
}

function randomSource(seed: number) {
  const next = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
  return { next, int, pick };
}
type Random = ReturnType<typeof randomSource>;

// Pieces of text that break naive quoting: quotes, escapes, control characters, UTF-16 halves
// alone and paired, the language's own punctuation and keywords, and a literal "\u0041".
const HOSTILE = ['"', "'", '\\', '\n', '\r', '\t', '\u0000', '\u001f', '\u007f', '\ud800', '\udfff', '😀', 'é', '\u2028', '{', '}', '(', ')', ' AND ', 'OR', 'x', '\\u0041', '; DROP TABLE spans; --', ' '];
const KEY_CHARS = 'abcXYZ019_.-:/';

function hostileText(random: Random): string {
  return Array.from({ length: random.int(0, 8) }, () => random.pick(HOSTILE)).join('');
}

function randomDuration(random: Random) {
  // Exact in a double (as every parsed duration is): small ones, whole units, and near the 100-year limit.
  const pick = random.int(0, 2);
  if (pick === 0) return nanos(BigInt(random.int(0, 1_000_000)));
  if (pick === 1) return nanos(BigInt(random.int(0, 100_000)) * 1_000_000n);
  return nanos(BigInt(Math.round(random.next() * 3.1e18)));
}

function randomComparison(random: Random): CompareExpr {
  const kind = random.int(0, 6);
  if (kind === 0) return { type: 'compare', column: 0, field: random.pick(['duration', 'responsetime'] as const), op: random.pick(ORDER_OPS), value: randomDuration(random) };
  if (kind === 1) return { type: 'compare', column: 0, field: 'http.status', op: random.pick(ORDER_OPS), value: random.int(0, 999) };
  if (kind === 2) {
    // The parser lower-cases kinds and statuses, and = / != take only a known one.
    const op = random.pick(TEXT_OPS);
    const [field, words] = random.pick([['kind', SPAN_KINDS], ['status', STATUS_CODES]] as const);
    return { type: 'compare', column: 0, field, op, value: op === '=' || op === '!=' ? random.pick(words) : hostileText(random).toLowerCase() };
  }
  if (kind === 3) {
    const field = random.pick(TEXT_FIELDS.filter((f) => f !== 'kind' && f !== 'status'));
    return random.next() < 0.2
      ? { type: 'compare', column: 0, field, op: random.pick(MATCH_OPS), value: random.pick(PATTERNS) }
      : { type: 'compare', column: 0, field, op: random.pick(TEXT_OPS), value: hostileText(random) };
  }
  // Keys of any characters now and then (written quoted), else from the characters a bare key may hold.
  const key = random.next() < 0.2 ? hostileText(random) || 'k' : Array.from({ length: random.int(1, 10) }, () => random.pick([...KEY_CHARS])).join('');
  if (random.next() < 0.3) return randomAttribute(random, key);
  if (kind === 4) return { type: 'compare', column: 0, field: 'annotation', key, op: random.pick(TEXT_OPS), value: hostileText(random) };
  if (kind === 5) return { type: 'compare', column: 0, field: 'annotation', key, op: random.pick(['=', '!='] as const), value: random.next() < 0.5 };
  const number = random.pick([0, 7, 0.1, 1.5, 1e-7, 5e-324, 1e21, 123456.789, Number.MAX_VALUE, Infinity, random.next() * 1e6]);
  return { type: 'compare', column: 0, field: 'annotation', key, op: random.pick(ORDER_OPS), value: number };
}

const PATTERNS = ['GET.*', '(?i)post', '[0-9]+', 'a|b', '.*\\.com', ''];

function randomAttribute(random: Random, key: string): CompareExpr {
  const scope = random.pick(['span', 'resource', 'any'] as const);
  const roll = random.int(0, 4);
  if (roll === 0) return { type: 'compare', column: 0, field: 'attribute', scope, key, op: random.pick(['=', '!='] as const), value: null };
  if (roll === 1) return { type: 'compare', column: 0, field: 'attribute', scope, key, op: random.pick(['=', '!='] as const), value: random.next() < 0.5 };
  if (roll === 2) return { type: 'compare', column: 0, field: 'attribute', scope, key, op: random.pick(ORDER_OPS), value: random.pick([0, -3, 2.5, -1e-9, 1e21, Infinity, -Infinity]) };
  if (roll === 3) return { type: 'compare', column: 0, field: 'attribute', scope, key, op: random.pick(MATCH_OPS), value: random.pick(PATTERNS) };
  return { type: 'compare', column: 0, field: 'attribute', scope, key, op: random.pick(TEXT_OPS), value: hostileText(random) };
}

function randomPipeline(random: Random, depth: number): FilterExpr {
  const attribute = () => ({ kind: 'attribute' as const, scope: random.pick(['span', 'resource', 'any'] as const), key: random.next() < 0.3 ? hostileText(random) || 'k' : 'db.rows' });
  const conditions = Array.from({ length: random.int(1, 3) }, () => {
    const fn = random.pick(AGGREGATE_FUNCTIONS);
    const of = fn === 'count' ? null : random.next() < 0.5 ? { kind: 'duration' as const } : attribute();
    return { column: 0, fn, of, op: random.pick(ORDER_OPS), value: of?.kind === 'duration' ? random.int(0, 1e9) : random.pick([0, 3, -2.5, 1e21]) };
  });
  const by = random.next() < 0.5 ? null : random.next() < 0.5 ? { kind: 'field' as const, field: random.pick(['name', 'status', 'http.route', 'status.message'] as const) } : attribute();
  return { type: 'pipeline', column: 0, spans: random.next() < 0.8 ? randomExpr(random, depth + 1, true) : null, by, conditions };
}

function randomRelated(random: Random, depth: number, chain: number): SpanSource & { kind: 'related' } {
  const operand = (): SpanSource =>
    chain < 2 && random.next() < 0.3 ? randomRelated(random, depth, chain + 1) : { kind: 'spans', condition: random.next() < 0.8 ? randomExpr(random, depth + 1, true) : null };
  return { kind: 'related', op: random.pick(STRUCTURAL_OPS), left: operand(), right: operand() };
}

/** Every node type, nested a few levels (well inside the parser's depth and condition limits). */
function randomExpr(random: Random, depth: number, inScope: boolean): FilterExpr {
  const roll = depth >= 5 ? random.int(0, 2) : random.int(0, 7);
  if (roll === 0) return { type: 'flag', column: 0, flag: random.pick(FLAGS) };
  if (roll <= 2) return randomComparison(random);
  if (roll === 3 && !inScope) {
    const body = random.next() < 0.6 ? randomExpr(random, depth + 1, true) : null;
    return random.next() < 0.5
      ? { type: 'service', column: 0, service: hostileText(random), body }
      : { type: 'edge', column: 0, from: hostileText(random), to: hostileText(random), body };
  }
  if (roll === 4) return random.next() < 0.3 ? { type: 'peer', column: 0, name: hostileText(random), account: random.next() < 0.5 ? null : hostileText(random) } : { type: 'not', column: 0, expr: randomExpr(random, depth + 1, inScope) };
  if (roll === 5 && !inScope && random.next() < 0.3) return { type: 'traceStatus', column: 0, op: random.pick(['=', '!='] as const), value: random.pick(TRACE_STATUSES) };
  if (roll === 5 && !inScope && random.next() < 0.3) return { type: 'traceRoot', column: 0, field: random.pick(['name', 'service'] as const), op: random.pick(TEXT_OPS), value: hostileText(random) };
  if (roll === 6 && !inScope && random.next() < 0.3) return { type: 'spanSet', column: 0, body: random.next() < 0.8 ? randomExpr(random, depth + 1, true) : null };
  if (roll === 6 && !inScope && random.next() < 0.3) return randomPipeline(random, depth);
  if (roll === 6 && !inScope && random.next() < 0.3) return { type: 'structure', column: 0, source: randomRelated(random, depth, 0) };
  return { type: random.next() < 0.5 ? 'and' : 'or', column: 0, left: randomExpr(random, depth + 1, inScope), right: randomExpr(random, depth + 1, inScope) };
}

describe('filterText', () => {
  test('parses back to the same tree, for thousands of random trees', () => {
    for (const seed of [1, 2, 3]) {
      const random = randomSource(seed);
      for (let i = 0; i < 1500; i++) {
        const expr = randomExpr(random, 0, false);
        const text = filterText(expr);
        // Plain text that survives any transport: no control characters, no UTF-16 halves.
        assert.doesNotMatch(text, /[\u0000-\u001f\ud800-\udfff]/, `seed ${seed} #${i}`);
        assert.deepEqual(withoutColumns(parseFilter(text)), withoutColumns(expr), `seed ${seed} #${i}: ${text}`);
      }
    }
  });

  test('writes what a person would, with only the parentheses precedence needs', () => {
    const cases: Array<[string, string]> = [
      ['duration > 8', 'duration > 8000000000ns'],
      ['responsetime <= 1.5m', 'responsetime <= 90000000000ns'],
      ['fault and (duration > 8 or error)', 'fault AND (duration > 8000000000ns OR error)'],
      ['(fault and error) or throttle', 'fault AND error OR throttle'],
      ['fault or (error or throttle)', 'fault OR (error OR throttle)'],
      ['NOT (fault OR error) AND service("x")', 'NOT (fault OR error) AND service("x")'],
      ['!!ok', 'NOT NOT ok'],
      ['edge("a", "b") { http.status >= 500 }', 'edge("a", "b") { http.status >= 500 }'],
      ["http.url contains 'say \"hi\"\\n'", 'http.url CONTAINS "say \\"hi\\"\\u000a"'],
      ['annotation.Customer.Tier != "gold" and annotation.vip = TRUE', 'annotation.Customer.Tier != "gold" AND annotation.vip = true'],
      ['annotation.retries >= 1e-7', 'annotation.retries >= 1e-7'],
      ['service("p") { peer("api.stripe.com") } or peer(\'orders\', "777")', 'service("p") { peer("api.stripe.com") } OR peer("orders", "777")'],
      ['{ span.db.system = "redis" && .x != nil } || { }', '{ span.db.system = "redis" AND .x != nil } OR { }'],
      ['db.system =~ `post.*` and resource."cart items" > -2 and annotation."a b" = 1', '.db.system =~ "post.*" AND resource."cart items" > -2 AND annotation."a b" = 1'],
    ];
    for (const [input, expected] of cases) assert.equal(filterText(parseFilter(input)), expected, input);
  });

  test('an expression built in code (columns 0) is written too', () => {
    const account: FilterExpr = { type: 'compare', column: 0, field: 'account', op: '=', value: 'x" OR "1"="1' };
    assert.equal(filterText({ type: 'and', column: 0, left: { type: 'flag', column: 0, flag: 'fault' }, right: account }), 'fault AND account = "x\\" OR \\"1\\"=\\"1"');
  });

  test('refuses a tree the language cannot write', () => {
    const annotation = (key: string, value: number): FilterExpr => ({ type: 'compare', column: 0, field: 'annotation', key, op: '=', value });
    assert.throws(() => filterText(annotation('k', NaN)), /not a number/);
    assert.throws(() => filterText({ type: 'compare', column: 0, field: 'duration', op: '>', value: nanos(-5n) }), /negative/);
    assert.throws(() => filterText({ type: 'compare', column: 0, field: 'http.status', op: '=', value: 1.5 }), /whole number/);
  });
});
