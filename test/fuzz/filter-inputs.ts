import { randomText, type Random } from './mutate.ts';

// Filter expressions (docs/query-language.md): generated from the grammar, then mutated
// token by token, plus random text; and hostile path segments and query values for the HTTP API.

const TEXT_FIELDS = ['http.url', 'http.method', 'http.route', 'name', 'kind', 'account', 'status', 'status.message', 'scope.name', 'span:name', 'statusMessage', 'instrumentation:name', 'event:name'];
const ATTRIBUTES = [
  'span.db.system', 'resource.service.name', '.deployment.environment', 'db.system', 'span.http.response.status_code', 'span."cart items"', 'resource.\'k8s pod\'', '.x', 'span.retry.count',
  'event.exception.type', 'event."a b"', 'link.messaging.operation', '.service.name',
];
const PATTERNS = ['"GET.*"', '`(?i)post`', '"[0-9]+"', '"a|b"', '"(unclosed"', '`(a)\\1`', '"x{1001}"', '""'];
const STRINGS = ['"payments"', "'POST'", '"/v1/place-order"', '"Stripe API call"', '"client"', '"server"', '"edge"', '""', '"\\"quoted\\""', "'it\\'s'", '"\\u00e9\\n\\t"', '"☕ 𝄞"', '"%"', '"_"', '"\\\\"', "'a\\\\b'"];
const NUMBERS = ['8', '0', '0.5', '1.5m', '200ms', '8s', '2h', '3us', '10ns', '1e3', '.5', '999', '1000', '99999999999999999999', '1e308', '-1', '5µs', '7x'];
const ORDER_OPS = ['=', '!=', '<', '<=', '>', '>=', '=='];
const TEXT_OPS = ['=', '!=', 'CONTAINS', 'BEGINSWITH', 'ENDSWITH', 'contains'];
const PEERS = ['"api.stripe.com"', '"127.0.0.1:33103"', '"orders"', '"order-events"', ...STRINGS.slice(0, 4)];
const SERVICES = ['"checkout-orchestrator"', '"payments"', '"pricing"', '"inventory"', '"edge-gateway"', '"nobody"'];

/** A random expression of the language, mostly well-formed; `depth` bounds its nesting. */
export function grammarExpression(random: Random, depth = 0): string {
  const roll = random.float();
  if (depth < 6 && roll < 0.18) return `${grammarExpression(random, depth + 1)} ${random.pick(['AND', 'OR', 'and', 'or'])} ${grammarExpression(random, depth + 1)}`;
  if (depth < 6 && roll < 0.26) return `${random.pick(['NOT ', '!', 'not '])}${grammarExpression(random, depth + 1)}`;
  if (depth < 6 && roll < 0.34) return `(${grammarExpression(random, depth + 1)})`;
  if (depth < 3 && roll < 0.44) return scoped(random, depth);
  if (depth < 3 && roll < 0.54) return traceql(random, depth);
  return condition(random);
}

/** TraceQL: span sets, their structure and pipelines, and the trace's own fields. */
function traceql(random: Random, depth: number): string {
  const set = () => (random.chance(0.2) ? '{ }' : `{ ${spanCondition(random, depth + 1).replace(/ AND /g, ' && ').replace(/ OR /g, ' || ')} }`);
  return random.pick<() => string>([
    () => set(),
    () => `${set()} ${random.pick(['&&', '||'])} ${set()}`,
    () => `${set()} ${random.pick(['>>', '>', '<<', '<', '~', '!>>', '!>', '!<<', '!<', '!~', '&>>', '&>', '&<<', '&<', '&~'])} ${set()}`,
    () => `${set()} | ${random.chance(0.3) ? `by(${random.pick([...ATTRIBUTES, 'name', 'status'])}) | ` : ''}${random.pick(['count()', 'avg(duration)', 'max(span.retry.count)', 'sum(.x)', 'min(duration)'])} ${random.pick(ORDER_OPS)} ${random.pick(NUMBERS)}`,
    () => `{ ${random.pick(['trace:duration', 'traceDuration'])} > ${random.pick(NUMBERS)} && ${condition(random)} }`,
    () => `${random.pick(['trace:rootName', 'rootServiceName', 'trace:rootService'])} ${random.pick(['=', '!=', '=~', '!~', 'CONTAINS'])} ${random.pick([...STRINGS, ...PATTERNS])}`,
    () => `count() > ${random.pick(NUMBERS)}`,
    () => `${set()} with (most_recent=true)`,
  ])();
}

function scoped(random: Random, depth: number): string {
  const head = random.chance(0.6) ? `service(${random.pick(SERVICES)})` : `edge(${random.pick(SERVICES)}, ${random.pick(SERVICES)})`;
  return random.chance(0.6) ? `${head} { ${spanCondition(random, depth + 1)} }` : head;
}

/** What may stand inside the braces: conditions about one span. */
function spanCondition(random: Random, depth: number): string {
  if (depth < 5 && random.chance(0.25)) return `${spanCondition(random, depth + 1)} ${random.pick(['AND', 'OR'])} ${spanCondition(random, depth + 1)}`;
  return condition(random);
}

function condition(random: Random): string {
  const roll = random.float();
  if (roll < 0.15) return random.pick(['fault', 'error', 'throttle', 'ok', 'FAULT', 'trace.status = ok', 'trace.status != fault', 'TRACE.STATUS = "unknown"', 'trace.status = error']);
  if (roll < 0.35) return `${random.pick(['duration', 'responsetime', 'event:timeSinceStart'])} ${random.pick(ORDER_OPS)} ${random.pick(NUMBERS)}`;
  if (roll < 0.5) return `http.status ${random.pick(ORDER_OPS)} ${random.pick(['500', '404', '200', '429', '999', '1000', '5.5', '"500"'])}`;
  if (roll < 0.8) return `${random.pick(TEXT_FIELDS)} ${random.pick(TEXT_OPS)} ${random.pick(STRINGS)}`;
  if (roll < 0.88) return `peer(${random.pick(PEERS)}${random.chance(0.3) ? `, ${random.pick(STRINGS)}` : ''})`;
  if (roll < 0.93) {
    const value = random.pick(['"postgresql"', '3', '-2.5', 'true', 'false', 'nil', '"x"', ...PATTERNS]);
    const ops = value === 'nil' || value === 'true' || value === 'false' ? ['=', '!='] : value.startsWith('"') || value.startsWith('`') ? [...TEXT_OPS, '=~', '!~'] : ORDER_OPS;
    return `${random.pick(ATTRIBUTES)} ${random.pick(ops)} ${value}`;
  }
  if (roll < 0.95) return `${random.pick(TEXT_FIELDS)} ${random.pick(['=~', '!~'])} ${random.pick(PATTERNS)}`;
  const value = random.pick(['"o-42"', '3', 'true', 'false', '2.5', '"x"']);
  return `annotation.${random.pick(['order_id', 'retries', 'vip', 'a-b:c/d', 'x.y'])} ${random.pick(value === 'true' || value === 'false' ? ['=', '!='] : ORDER_OPS)} ${value}`;
}

const TOKEN = /"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|`[^`]*`?|[A-Za-z_.][\w.\-:/]*|\d*\.?\d+(?:[eE][+-]?\d+)?[A-Za-zµ]*|[!&]?(?:>>|<<)|&&|\|\||[!=<>&]?[=~<>]?|[(){},|]|\s+|[^]/gu;
const VOCABULARY = [
  'AND', 'OR', 'NOT', '!', '(', ')', '{', '}', ',', '=', '!=', '<=', 'CONTAINS', 'service', 'edge', 'peer', 'annotation.', 'duration', '"', "'", '\\', '8s', '1e999', '"\\u12"', '"\\q"', '\u0000', '𝄞', 'http.status', 'kind', '"unterminated', 'trace.status',
  '&&', '||', '=~', '!~', '>>', '<<', '~', '!>', '&>>', '|', 'count()', 'by(', 'span.', 'resource.', '.', 'nil', '`', 'span:', 'trace:duration', 'with', '-', 'select(', 'event.', 'link:traceID', 'event:',
];

/** Token-level mutations of `text`: tokens dropped, doubled, swapped or replaced. */
export function mutateTokens(random: Random, text: string): string {
  const tokens = text.match(TOKEN) ?? [];
  for (let n = 1 + random.int(3); n > 0; n--) {
    const at = random.int(tokens.length + 1);
    const roll = random.float();
    if (roll < 0.25) tokens.splice(at, 1);
    else if (roll < 0.45) tokens.splice(at, 0, tokens[at] ?? '');
    else if (roll < 0.6 && tokens.length > 1) {
      const other = random.int(tokens.length);
      [tokens[at], tokens[other]] = [tokens[other]!, tokens[at] ?? ''];
    } else tokens.splice(at, 0, random.pick([' ', '']) + random.pick(VOCABULARY) + random.pick([' ', '']));
  }
  return tokens.join('');
}

/** Past the limits: nesting beyond 32, more than 128 conditions, more than 4,096 characters. */
function overLimit(random: Random): string {
  return random.pick([
    () => `${'('.repeat(20 + random.int(40))}fault${')'.repeat(20 + random.int(40))}`,
    () => `${'NOT '.repeat(20 + random.int(40))}fault`,
    () => Array.from({ length: 129 + random.int(40) }, () => 'fault').join(' OR '),
    () => `name = "${'x'.repeat(4_000 + random.int(200))}"`,
    () => `${'!'.repeat(10_000)}ok`,
  ])();
}

/** Input #n of the filter surface: grammar, grammar mutated token by token, limits, or random text. */
export function filterExpression(random: Random): string {
  const roll = random.float();
  if (roll < 0.45) return grammarExpression(random);
  if (roll < 0.85) return mutateTokens(random, grammarExpression(random));
  if (roll < 0.9) return overLimit(random);
  return randomText(random, 80);
}

/** Percent-encodes every byte of the text's UTF-8 but the unreserved ones (lone surrogates become U+FFFD, as Buffer writes them). */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) out += /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/**
 * A path segment for GET /api/traces/{id}: ids valid or nearly (one in sixteen: those reach the
 * store, which takes its time), broken ones, traversal, broken escapes, long runs.
 */
export function traceIdSegment(random: Random, storedIds: readonly string[]): string {
  const hex = (n: number) => random.bytes(Math.ceil(n / 2)).toString('hex').slice(0, n);
  if (random.chance(1 / 16)) {
    return random.pick([
      () => random.pick(storedIds),
      () => random.pick(storedIds).toUpperCase(),
      () => percentEncode(` ${random.pick(storedIds)}\t`),
      () => hex(32),
    ])();
  }
  return random.pick<() => string>([
    () => hex(random.pick([0, 1, 31, 33, 64])),
    () => '0'.repeat(32),
    () => random.pick(['..', '.', '..%2F..%2Fhealth', '%2e%2e', '%2F', '%00', '%', '%zz', '%E0%A4%A', '%C0%AF', '%FF%FE', '..;', '%252F', '?x=1', '#frag', '/', '//', 'a/b/c']),
    () => percentEncode(randomText(random, 40)),
    () => percentEncode(random.bytes(random.int(64)).toString('latin1')),
    () => [...random.bytes(1 + random.int(40))].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''),
    () => hex(32) + random.pick(['%00', '%20', '%0a', '/extra', '.json', ';']),
    () => 'a'.repeat(random.pick([100, 1_000, 8_000])),
  ])();
}

const SEARCH_PARAMETERS = ['start', 'end', 'limit', 'minDuration', 'maxDuration', 'account', 'service', 'histogram', 'q', 'bogus', '__proto__', 'constructor', 'start[]'];
const HOSTILE_VALUES = ['', ' ', '0', '-1', '1', '1000', '1001', '1e309', 'NaN', 'Infinity', '-0', '0x10', '9'.repeat(17), '9'.repeat(40), '1.5', '2262-04-12', '2026-13-45T99:99:99Z', '1970-01-01T00:00:00Z', 'true', 'false', '8s', '1.5m', '200 ms', '5µs', '9999999h', 'now', '\u0000', '😀', 'a'.repeat(300), '%', 'fault', 'duration >'];

/** A query string for /api/traces or /api/diagnose: some parameters, each with a hostile or plausible value (sometimes twice). */
export function searchQuery(random: Random, windowStartMs: number, windowEndMs: number): string {
  const pairs: string[] = [];
  for (let n = random.int(5); n >= 0; n--) {
    const key = random.pick(SEARCH_PARAMETERS);
    const value = random.pick<() => string>([
      () => random.pick(HOSTILE_VALUES),
      () => String(random.pick([windowStartMs, windowEndMs])),
      () => randomText(random, 12),
      () => String(random.int(2 ** 31) - 2 ** 30),
    ])();
    pairs.push(`${percentEncode(key)}=${percentEncode(value)}`);
  }
  return pairs.join('&');
}
