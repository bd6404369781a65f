import { seededRandom } from '@stitch/model';

// The fuzzing toolkit: a seeded random source per input (so input #i of seed S can be rebuilt
// alone), byte-level mutations, protobuf length corruption and JSON-aware mutation.

export interface Random {
  float(): number;
  /** 0 ≤ n < max */
  int(max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  bytes(length: number): Buffer;
}

/** The random source of one input: its own stream, derived from the run's seed and the input's index. */
export function randomFor(seed: number, index: number): Random {
  const float = seededRandom((seed ^ Math.imul(index + 1, 0x9e3779b1)) | 0);
  const int = (max: number) => Math.floor(float() * max);
  return {
    float,
    int,
    chance: (probability) => float() < probability,
    pick: (items) => items[int(items.length)]!,
    bytes: (length) => {
      const out = Buffer.allocUnsafe(length);
      for (let i = 0; i < length; i++) out[i] = int(256);
      return out;
    },
  };
}

/** Values at the edges of integer types, where length and count checks go wrong. */
export const BOUNDARY_INTEGERS: readonly bigint[] = [
  0n, 1n, 2n, 0x7fn, 0x80n, 0xffn, 0x100n, 0x7fffn, 0x8000n, 0xffffn, 0x10000n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n,
  2n ** 53n - 1n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n,
];

// ---- bytes ---------------------------------------------------------------------------------

type ByteMutation = (random: Random, input: Buffer, others: readonly Buffer[]) => Buffer;

const flipBits: ByteMutation = (random, input) => {
  if (input.length === 0) return random.bytes(1);
  const out = Buffer.from(input);
  for (let n = 1 + random.int(8); n > 0; n--) out[random.int(out.length)]! ^= 1 << random.int(8);
  return out;
};

const insertBytes: ByteMutation = (random, input) => {
  const at = random.int(input.length + 1);
  const inserted = random.chance(0.5) ? random.bytes(1 + random.int(16)) : Buffer.alloc(1 + random.int(16), random.pick([0x00, 0xff, 0x7f, 0x80, 0x0a, 0x22]));
  return Buffer.concat([input.subarray(0, at), inserted, input.subarray(at)]);
};

const deleteRange: ByteMutation = (random, input) => {
  const at = random.int(input.length + 1);
  return Buffer.concat([input.subarray(0, at), input.subarray(Math.min(input.length, at + 1 + random.int(32)))]);
};

const duplicateRange: ByteMutation = (random, input) => {
  const from = random.int(input.length + 1);
  const range = input.subarray(from, from + 1 + random.int(64));
  const at = random.int(input.length + 1);
  const copies = random.chance(0.1) ? 2 + random.int(50) : 1;
  return Buffer.concat([input.subarray(0, at), ...Array.from({ length: copies }, () => range), input.subarray(at)]);
};

const overwriteBoundary: ByteMutation = (random, input) => {
  if (input.length === 0) return input;
  const out = Buffer.from(input);
  const value = random.pick(BOUNDARY_INTEGERS);
  const width = random.pick([1, 2, 4, 8]);
  const at = random.int(out.length);
  for (let i = 0; i < width && at + i < out.length; i++) out[at + i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return out;
};

const truncate: ByteMutation = (random, input) => input.subarray(0, random.int(input.length + 1));

const splice: ByteMutation = (random, input, others) => {
  if (others.length === 0) return input;
  const other = random.pick(others);
  return Buffer.concat([input.subarray(0, random.int(input.length + 1)), other.subarray(random.int(other.length + 1))]);
};

const BYTE_MUTATIONS: readonly ByteMutation[] = [flipBits, flipBits, insertBytes, deleteRange, duplicateRange, overwriteBoundary, truncate, splice];

/** One to four stacked byte mutations of `input`; `others` are splice partners. */
export function mutateBytes(random: Random, input: Uint8Array, others: readonly Buffer[] = []): Buffer {
  let out: Buffer = Buffer.from(input);
  for (let n = 1 + random.int(4); n > 0; n--) out = random.pick(BYTE_MUTATIONS)(random, out, others);
  return out;
}

// ---- protobuf ------------------------------------------------------------------------------

/** Where a length-delimited field's length varint sits, and the length it holds. */
interface LengthPrefix {
  at: number;
  size: number;
  length: number;
}

/** Every length prefix of a protobuf message, nested ones included where the payload reads as a whole message. */
function lengthPrefixes(bytes: Uint8Array): LengthPrefix[] {
  const found: LengthPrefix[] = [];
  // Reads [from, to) as a message; false (and nothing recorded) when it is not one, e.g. a string.
  const walk = (from: number, to: number): boolean => {
    const mark = found.length;
    let pos = from;
    const varint = (): number | null => {
      let value = 0;
      for (let shift = 0; shift < 35; shift += 7) {
        if (pos >= to) return null;
        const byte = bytes[pos++]!;
        value += (byte & 0x7f) * 2 ** shift;
        if (byte < 0x80) return value;
      }
      return null;
    };
    while (pos < to) {
      const tag = varint();
      const wire = tag === null ? -1 : tag % 8;
      if (tag === null || tag < 8 || wire === 3 || wire === 4 || wire > 5) break;
      if (wire === 0 && varint() === null) break;
      if (wire === 1 || wire === 5) pos += wire === 1 ? 8 : 4;
      if (wire === 2) {
        const at = pos;
        const length = varint();
        if (length === null || pos + length > to) break;
        found.push({ at, size: pos - at, length });
        walk(pos, pos + length);
        pos += length;
      }
    }
    if (pos === to) return true;
    found.length = mark;
    return false;
  };
  walk(0, bytes.length);
  return found;
}

function encodeVarint(value: bigint): Buffer {
  const bytes: number[] = [];
  let rest = value & (2n ** 64n - 1n);
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return Buffer.from(bytes);
}

/**
 * A length prefix replaced by a lie: a boundary value (up to 2^64-1, a ten-byte varint), one off
 * the truth, an over-long encoding of it, or a varint that never ends.
 */
export function corruptLength(random: Random, message: Uint8Array): Buffer {
  const prefixes = lengthPrefixes(message);
  if (prefixes.length === 0) return mutateBytes(random, message);
  const { at, size, length } = random.pick(prefixes);
  const lie = random.pick([
    () => encodeVarint(random.pick(BOUNDARY_INTEGERS)),
    () => encodeVarint(BigInt(length + 1)),
    () => encodeVarint(BigInt(Math.max(0, length - 1))),
    () => overlong(encodeVarint(BigInt(length)), 1 + random.int(5)),
    () => Buffer.alloc(1 + random.int(12), 0xff), // never terminated
  ])();
  return Buffer.concat([message.subarray(0, at), lie, message.subarray(at + size)]);
}

/** The same value in `extra` more bytes than needed: continuation bits on zero groups, as lenient readers accept. */
function overlong(varint: Buffer, extra: number): Buffer {
  const out = Buffer.concat([varint, Buffer.alloc(extra, 0x80)]);
  out[varint.length - 1]! |= 0x80;
  out[out.length - 1] = 0x00;
  return out;
}

// ---- text ----------------------------------------------------------------------------------

const UNICODE_SAMPLES = ['é', 'ü', '☕', '𝄞', '😀', '\u0000', '\u202e', '\ufeff', '\ud800', '\udfff', '\u2028', 'ß', '中', 'ﬃ', '\u0301', '\\', '"', "'", '\n', '\r', '\t'];

/** Text mixing printable ASCII, controls, combining marks, astral characters and lone surrogates. */
export function randomText(random: Random, maxLength: number): string {
  const length = random.int(maxLength + 1);
  let text = '';
  while (text.length < length) {
    const roll = random.float();
    if (roll < 0.6) text += String.fromCharCode(0x20 + random.int(0x5f));
    else if (roll < 0.7) text += String.fromCharCode(random.int(0x20));
    else if (roll < 0.9) text += random.pick(UNICODE_SAMPLES);
    else text += String.fromCharCode(random.int(0x10000));
  }
  return text;
}

// ---- JSON ----------------------------------------------------------------------------------

/** JSON text placed verbatim where the value stands: what JSON.stringify cannot write (1e999, duplicate keys, 10,000 levels). */
class RawJson {
  constructor(readonly text: string) {}
}

/** `value` as JSON text, with each RawJson written as is. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (!(v instanceof RawJson)) return v;
    raws.push(v.text);
    return `\u0000raw${raws.length - 1}\u0000`;
  });
  return text === undefined ? 'null' : text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_match, i: string) => raws[Number(i)]!);
}

/** An own, enumerable property even for `__proto__`, so it is written out (plain assignment would set the prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', 'a'.repeat(300), '\u0000', '𝄞'];

/** A value of some other kind: wrong type, huge number, long or strange string, deep nesting. */
function hostileValue(random: Random): unknown {
  return random.pick<() => unknown>([
    () => null,
    () => random.chance(0.5),
    () => random.pick([0, -1, 1, 0.5, -0.0001, 2 ** 31, 2 ** 32, 2 ** 53 + 2, -(2 ** 63), Number.MAX_VALUE, Number.MIN_VALUE, 1e21]),
    () => new RawJson(random.pick(['1e999', '-1e999', '123456789012345678901234567890', '-0', '0.00000000000000000000000001', '1E+400', '18446744073709551615', '9223372036854775808'])),
    () => String(random.pick(BOUNDARY_INTEGERS)),
    () => '',
    () => randomText(random, 40),
    () => random.pick(['x', '☕', '\u0000']).repeat(random.pick([1_000, 10_000, 70_000])),
    () => [],
    () => ({}),
    () => [randomText(random, 8), random.int(100), null],
    () => Object.fromEntries([[random.pick(HOSTILE_KEYS), randomText(random, 8)]]),
    () => deepNesting(random.pick([100, 1_000, 10_000]), random.chance(0.5) ? '[' : '{"a":'),
  ])();
}

/** `depth` levels of arrays (or objects) around a null, as text: no recursion to build or write. */
function deepNesting(depth: number, opener: '[' | '{"a":'): RawJson {
  const closer = opener === '[' ? ']' : '}';
  return new RawJson(`${opener.repeat(depth)}null${closer.repeat(depth)}`);
}

interface Slot {
  parent: Record<string, unknown> | unknown[];
  key: string | number;
}

function slotsOf(root: unknown): Slot[] {
  const slots: Slot[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        slots.push({ parent: node, key: i });
        stack.push(child);
      });
    } else if (isPlainObject(node)) {
      for (const [key, child] of Object.entries(node)) {
        slots.push({ parent: node, key });
        stack.push(child);
      }
    }
  }
  return slots;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof RawJson);

const valueAt = ({ parent, key }: Slot): unknown => (parent as Record<string | number, unknown>)[key];

function put({ parent, key }: Slot, value: unknown): void {
  if (Array.isArray(parent)) parent[key as number] = value;
  else setOwn(parent, key as string, value);
}

/** A mutation of the value at one slot; `slots` are every slot of the document (to find an object's own slot). */
type JsonMutation = (random: Random, slot: Slot, slots: readonly Slot[]) => void;

const replaceValue: JsonMutation = (random, slot) => put(slot, hostileValue(random));

const dropField: JsonMutation = (_random, { parent, key }) => {
  if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete parent[key as string];
};

const duplicateField: JsonMutation = (random, slot, slots) => {
  const { parent, key } = slot;
  const value = valueAt(slot);
  if (Array.isArray(parent)) {
    const copies = random.chance(0.2) ? 10 + random.int(200) : 1;
    parent.splice(key as number, 0, ...Array.from({ length: copies }, () => jsonCopy(value)));
    return;
  }
  // The same key twice in the text: JSON.parse keeps the last, other readers the first.
  const holder = slots.find((candidate) => valueAt(candidate) === parent);
  if (!holder) return;
  const entries = Object.entries(parent).map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`);
  entries.push(`${JSON.stringify(key)}:${toJsonText(random.chance(0.5) ? value : hostileValue(random))}`);
  put(holder, new RawJson(`{${entries.join(',')}}`));
};

const addHostileKey: JsonMutation = (random, slot) => {
  const value = valueAt(slot);
  const target = isPlainObject(value) ? value : slot.parent;
  if (Array.isArray(target)) return replaceValue(random, slot, []);
  setOwn(target, random.pick(HOSTILE_KEYS), random.chance(0.5) ? { polluted: true } : hostileValue(random));
};

/** A deep copy that keeps RawJson as it is (parsing it back could build 10,000 levels JSON.stringify cannot write). */
function jsonCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => jsonCopy(item)) as T;
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) setOwn(copy, key, jsonCopy(child));
  return copy as T;
}

const JSON_MUTATIONS: readonly JsonMutation[] = [replaceValue, replaceValue, replaceValue, dropField, dropField, duplicateField, addHostileKey];

/** One to three structure-aware mutations of a copy of `value` (the input is left untouched). */
export function mutateJson(random: Random, value: unknown): unknown {
  const root = { root: jsonCopy(value) };
  for (let n = 1 + random.int(3); n > 0; n--) {
    const slots = slotsOf(root);
    // The root itself may have been dropped: nothing is left to mutate.
    if (slots.length === 0) break;
    random.pick(JSON_MUTATIONS)(random, random.pick(slots), slots);
  }
  return 'root' in root ? root.root : null;
}

/** JSON text of a mutated `value`, now and then with bytes mutated on top or cut short. */
export function mutateJsonText(random: Random, value: unknown): Buffer {
  const text = Buffer.from(toJsonText(mutateJson(random, value)));
  const roll = random.float();
  if (roll < 0.75) return text;
  if (roll < 0.92) return mutateBytes(random, text);
  return text.subarray(0, random.int(text.length + 1));
}
