import { mutateBytes, randomText, type Random } from './mutate.ts';

// Trace-context header values: valid ones (whose trace id extraction must return), and valid
// ones mutated at the character level, spliced from known-bad shapes, or random.

export type TraceHeader = 'traceparent' | 'tracestate' | 'x-amzn-trace-id' | 'baggage';
export const TRACE_HEADERS: readonly TraceHeader[] = ['traceparent', 'tracestate', 'x-amzn-trace-id', 'baggage'];

const hex = (random: Random, digits: number) => random.bytes(digits / 2).toString('hex').replace(/^0/, '1');

/** A valid sampled traceparent and the trace id it carries. */
export function validTraceparent(random: Random): { value: string; traceId: string } {
  const traceId = hex(random, 32);
  return { value: `00-${traceId}-${hex(random, 16)}-01`, traceId };
}

/** A valid X-Amzn-Trace-Id and the (W3C-form) trace id it carries. */
export function validXrayHeader(random: Random): { value: string; traceId: string } {
  const traceId = hex(random, 32);
  const fields = [`Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)}`, `Parent=${hex(random, 16)}`, 'Sampled=1'];
  if (random.chance(0.3)) fields.push(`Lineage=${hex(random, 8)}:0`);
  return { value: fields.join(';'), traceId };
}

const BAD_TRACEPARENTS = ['', '00', '00-', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01', '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-', '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01', '00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01', ' 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-zz'];
const BAD_XRAY = ['Root=', 'Root=1-', 'Root=1-5f8a0b2c-', 'Root=2-5f8a0b2c-a006649127e371903a2de979', 'Root=1-5f8a0b2c-a006649127e371903a2de97', 'Root=1-00000000-000000000000000000000000;Parent=53995c3f42cd8ad8', 'Parent=53995c3f42cd8ad8;Sampled=1', 'Root=1-5f8a0b2c-a006649127e371903a2de979;Parent=;Sampled=?', 'root=1-5f8a0b2c-a006649127e371903a2de979', ';;;;', 'Root=1-5f8a0b2c-a006649127e371903a2de979;Root=1-6f8a0b2c-a006649127e371903a2de979', 'Self=1-5f8a0b2c-a006649127e371903a2de979'];

/** A tracestate list: well-formed entries, too many of them, long ones, or broken keys and values. */
function tracestate(random: Random): string {
  const entry = () =>
    random.pick([
      () => `vendor${random.int(100)}=${hex(random, 8)}`,
      () => `${random.pick(['t', 'a@b', 'UPPER', '1st', 'x'.repeat(300), ''])}=${random.pick(['v', '', ' ', ',', '=', 'x'.repeat(300)])}`,
      () => randomText(random, 20),
    ])();
  return Array.from({ length: random.pick([1, 3, 32, 33, 200]) }, entry).join(random.pick([',', ', ', ',,', ' , ']));
}

/** A baggage list: entries with properties, broken percent-escapes, long values, many entries. */
function baggage(random: Random): string {
  const entry = () =>
    random.pick([
      () => `tenant.id=acme`,
      () => `k${random.int(50)}=${encodeURIComponent(randomText(random, 10).replace(/[\ud800-\udfff]/g, ''))};prop=1`,
      () => random.pick(['k=%zz', 'k=%E0%A4%A', '=v', 'k', ';', 'k=v;;;', 'k=' + 'v'.repeat(9_000)]),
      () => randomText(random, 30),
    ])();
  return Array.from({ length: random.pick([1, 2, 10, 180, 300]) }, entry).join(random.pick([',', ', ', ',,']));
}

/** The value of `header` for input #n: valid, a known-bad shape, a character-level mutation of a valid one, or random text. */
export function headerValue(random: Random, header: TraceHeader): string {
  if (header === 'tracestate') return random.chance(0.85) ? tracestate(random) : randomText(random, 200);
  if (header === 'baggage') return random.chance(0.85) ? baggage(random) : randomText(random, 200);
  const valid = header === 'traceparent' ? validTraceparent(random).value : validXrayHeader(random).value;
  const roll = random.float();
  if (roll < 0.2) return valid;
  if (roll < 0.35) return random.pick(header === 'traceparent' ? BAD_TRACEPARENTS : BAD_XRAY);
  if (roll < 0.85) return mutateBytes(random, Buffer.from(valid, 'latin1')).toString('latin1');
  return randomText(random, 120);
}

/** What an HTTP header can carry (tab, visible ASCII, obs-text): anything else node refuses to send. */
export function sendable(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
}
