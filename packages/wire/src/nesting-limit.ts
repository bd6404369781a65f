import type protobuf from 'protobufjs/minimal.js';
import { WireError } from './wire-error.ts';

/**
 * How deep OTLP input may nest. Past a limit, decoding recursion would overflow the stack, and
 * where it overflows depends on the thread (central decodes on workers with larger stacks than
 * the agent's main thread): the agent and central would answer the same body differently. Checked
 * without recursion, before decoding, so every decoder gives the same verdict.
 */
export const NESTING_LIMITS = {
  /** OTLP/JSON: objects and arrays inside each other (the request's own structure takes about 10). Deeper: the request is refused. */
  jsonLevels: 100,
  /** Protobuf attribute values: arrays and key-value lists inside each other. Deeper: the attribute is left out, as an unreadable one is. */
  anyValueLevels: 32,
} as const;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** Refuses JSON text nested deeper than the limit, counting brackets outside strings (invalid JSON is left to the parser). */
export function refuseDeepJson(text: Uint8Array, limit: number = NESTING_LIMITS.jsonLevels): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const byte = text[i]!;
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > limit) throw new WireError(`JSON: nested deeper than ${limit} levels (the limit of nesting) at byte ${i}`);
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
}

/** The messages that hold attribute values, as far as nesting goes. */
export type ValueHolder = 'anyValue' | 'resource' | 'event' | 'link';
type Message = ValueHolder | 'arrayValue' | 'kvlistValue' | 'keyValue';
const WIRE_LEN = 2;

/**
 * The nested message a field of `parent` holds: AnyValue { 5: ArrayValue, 6: KeyValueList },
 * ArrayValue { 1: AnyValue }, KeyValueList { 1: KeyValue }, KeyValue { 2: AnyValue }, and the
 * attributes (KeyValue) of Resource (1), Span.Event (3) and Span.Link (4).
 */
function childOf(parent: Message, field: number): Message | null {
  switch (parent) {
    case 'anyValue':
      return field === 5 ? 'arrayValue' : field === 6 ? 'kvlistValue' : null;
    case 'arrayValue':
      return field === 1 ? 'anyValue' : null;
    case 'kvlistValue':
      return field === 1 ? 'keyValue' : null;
    case 'keyValue':
      return field === 2 ? 'anyValue' : null;
    case 'resource':
      return field === 1 ? 'keyValue' : null;
    case 'event':
      return field === 3 ? 'keyValue' : null;
    case 'link':
      return field === 4 ? 'keyValue' : null;
  }
}

/**
 * Whether the protobuf message in [from, stop) (an AnyValue, or a message with attributes) nests
 * attribute values inside each other deeper than the limit, walked with a stack of its own.
 * Leaves the reader where it was. Malformed bytes are left to the decoder (false).
 */
export function valuesDeeperThan(reader: protobuf.Reader, holder: ValueHolder, from: number, stop: number, limit: number = NESTING_LIMITS.anyValueLevels): boolean {
  const saved = reader.pos;
  reader.pos = from;
  try {
    const open: Array<{ message: Message; stop: number; depth: number }> = [{ message: holder, stop, depth: holder === 'anyValue' ? 1 : 0 }];
    while (open.length > 0) {
      const current = open[open.length - 1]!;
      if (reader.pos >= current.stop) {
        open.pop();
        continue;
      }
      const tag = reader.uint32();
      const child = (tag & 7) === WIRE_LEN ? childOf(current.message, tag >>> 3) : null;
      if (child === null) {
        reader.skipType(tag & 7);
        continue;
      }
      const childStop = reader.uint32() + reader.pos;
      if (childStop > current.stop) return false;
      const depth = child === 'anyValue' ? current.depth + 1 : current.depth;
      if (depth > limit) return true;
      open.push({ message: child, stop: childStop, depth });
    }
    return false;
  } catch {
    return false;
  } finally {
    reader.pos = saved;
  }
}
