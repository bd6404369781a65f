import protobuf from 'protobufjs/minimal.js';
import { httpFactsOf, nanos, type Account, type Attributes, type Span } from '@stitch/model';
import { generated } from './otlp-generated.ts';
import { attributesOf, attributeValue, hexOf, int64ToBigInt, intValue, KIND_BY_NUMBER, LATEST_NANOS, resourceOf, safeHex, spanProblem, STATUS_BY_NUMBER, type ConvertedSpans, type RejectedSpan } from './otlp-to-spans.ts';
import { asBuffer } from './as-buffer.ts';
import { NESTING_LIMITS, valuesDeeperThan, type ValueHolder } from './nesting-limit.ts';
import { WireError } from './wire-error.ts';

// The hot path of ingest: ExportTraceServiceRequest read field by field with protobufjs's
// Reader, straight into the model, without building the generated message objects (one
// object per KeyValue and AnyValue, Long values, prototype defaults). Field numbers are those of
// opentelemetry-proto v1. Rarely repeated parts (resource, scope, events, links) go through the
// generated decoder. Its results equal the generated path's (a test cross-checks them on
// randomised payloads); `npm run bench` reports both rates.

const { Reader } = protobuf;
type ProtoReader = protobuf.Reader;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;

export function readOtlpProtobufSpans(body: Uint8Array, account: Account): ConvertedSpans {
  const reader = Reader.create(asBuffer(body));
  const spans: Span[] = [];
  const rejected: RejectedSpan[] = [];
  const counter = { index: 0 };
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag >>> 3 === 1 && (tag & 7) === WIRE_LEN) readResourceSpans(reader, end(reader), account, spans, rejected, counter);
      else reader.skipType(tag & 7);
    }
  } catch (error) {
    throw new WireError(`protobuf: not a valid ExportTraceServiceRequest (${(error as Error).message})`, { cause: error });
  }
  return { spans, rejected };
}

/** Reads a length prefix and returns where the embedded message ends. */
function end(reader: ProtoReader): number {
  const length = reader.uint32();
  const stop = reader.pos + length;
  if (stop > reader.len) throw new RangeError(`index out of range: ${reader.pos} + ${length} > ${reader.len}`);
  return stop;
}

function readResourceSpans(reader: ProtoReader, stop: number, account: Account, spans: Span[], rejected: RejectedSpan[], counter: { index: number }): void {
  let resource = resourceOf({});
  // scope_spans may precede the resource on the wire; remember where they are and read them after.
  const scopeRanges: number[] = [];
  while (reader.pos < stop) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === WIRE_LEN) {
      resource = readPart(reader, (stop) => resourceOf(attributesOf(generated.resource.v1.Resource.decode(refuseDeepValues(reader, 'resource', reader.pos, stop), stop - reader.pos).attributes))) ?? resource;
    } else if (field === 2 && (tag & 7) === WIRE_LEN) {
      const scopeStop = end(reader);
      scopeRanges.push(reader.pos, scopeStop);
      reader.pos = scopeStop;
    } else {
      reader.skipType(tag & 7);
    }
  }
  endsWhereItShould(reader, stop);
  for (let i = 0; i < scopeRanges.length; i += 2) {
    reader.pos = scopeRanges[i]!;
    readScopeSpans(reader, scopeRanges[i + 1]!, resource, account, spans, rejected, counter);
  }
  reader.pos = stop;
}

function readScopeSpans(reader: ProtoReader, stop: number, resource: Span['resource'], account: Account, spans: Span[], rejected: RejectedSpan[], counter: { index: number }): void {
  let scope: Span['scope'] = { name: '', version: '' };
  const spanRanges: number[] = [];
  while (reader.pos < stop) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === WIRE_LEN) {
      scope = readPart(reader, (stop) => {
        const message = generated.common.v1.InstrumentationScope.decode(reader, stop - reader.pos);
        return { name: message.name ?? '', version: message.version ?? '' };
      }) ?? scope;
    } else if (field === 2 && (tag & 7) === WIRE_LEN) {
      const spanStop = end(reader);
      spanRanges.push(reader.pos, spanStop);
      reader.pos = spanStop;
    } else {
      reader.skipType(tag & 7);
    }
  }
  endsWhereItShould(reader, stop);
  for (let i = 0; i < spanRanges.length; i += 2) {
    reader.pos = spanRanges[i]!;
    const result = readSpan(reader, spanRanges[i + 1]!, resource, scope, account);
    if ('reason' in result) rejected.push({ index: counter.index, ...result });
    else spans.push(result);
    counter.index += 1;
  }
  reader.pos = stop;
}

function readSpan(reader: ProtoReader, stop: number, resource: Span['resource'], scope: Span['scope'], account: Account): Span | { spanId: string; reason: string } {
  const buf = reader.buf;
  let traceId = '';
  let spanId = '';
  let parentSpanId = '';
  let traceState = '';
  let name = '';
  let kind = 0;
  let start: bigint | null = null;
  let finish: bigint | null = null;
  let statusCode = 0;
  let statusMessage = '';
  const attributes: Attributes = {};
  const events: Span['events'] = [];
  const links: Span['links'] = [];
  while (reader.pos < stop) {
    const tag = reader.uint32();
    const wire = tag & 7;
    switch (tag >>> 3) {
      case 1:
        if (wire !== WIRE_LEN) break;
        traceId = hexAt(buf, reader, reader.uint32());
        continue;
      case 2:
        if (wire !== WIRE_LEN) break;
        spanId = hexAt(buf, reader, reader.uint32());
        continue;
      case 3:
        if (wire !== WIRE_LEN) break;
        traceState = readString(reader);
        continue;
      case 4:
        if (wire !== WIRE_LEN) break;
        parentSpanId = hexAt(buf, reader, reader.uint32());
        continue;
      case 5:
        if (wire !== WIRE_LEN) break;
        name = readString(reader);
        continue;
      case 6:
        if (wire !== WIRE_VARINT) break;
        kind = varintAsSkipped(reader);
        continue;
      case 7:
        if (wire !== WIRE_FIXED64) break;
        start = readUint64(reader);
        continue;
      case 8:
        if (wire !== WIRE_FIXED64) break;
        finish = readUint64(reader);
        continue;
      case 9:
        if (wire !== WIRE_LEN) break;
        readPart(reader, (stop) => readKeyValue(reader, stop, attributes));
        continue;
      case 11: {
        if (wire !== WIRE_LEN) break;
        const event = readPart(reader, (stop) => generated.trace.v1.Span.Event.decode(refuseDeepValues(reader, 'event', reader.pos, stop), stop - reader.pos));
        if (event) events.push({ name: event.name ?? '', timeUnixNano: nanos(int64ToBigInt(event.timeUnixNano) ?? 0n), attributes: attributesOf(event.attributes) });
        continue;
      }
      case 13: {
        if (wire !== WIRE_LEN) break;
        const link = readPart(reader, (stop) => generated.trace.v1.Span.Link.decode(refuseDeepValues(reader, 'link', reader.pos, stop), stop - reader.pos));
        if (link) links.push({ traceId: hexOf(link.traceId), spanId: hexOf(link.spanId), traceState: link.traceState ?? '', attributes: attributesOf(link.attributes) });
        continue;
      }
      case 15: {
        if (wire !== WIRE_LEN) break;
        const status = readPart(reader, (stop) => generated.trace.v1.Status.decode(reader, stop - reader.pos));
        if (status) [statusCode, statusMessage] = [status.code ?? 0, status.message ?? ''];
        continue;
      }
    }
    reader.skipType(wire);
  }
  const problem = spanProblem({ traceId, spanId, parentSpanId }, start, finish);
  if (problem !== null) return { spanId: safeHex(Buffer.from(spanId, 'hex')), reason: problem };
  return {
    traceId,
    spanId,
    parentSpanId: parentSpanId === '' ? null : parentSpanId,
    traceState,
    name,
    kind: KIND_BY_NUMBER[kind] ?? 'internal',
    // spanProblem has checked both times
    startTimeUnixNano: nanos(start!),
    endTimeUnixNano: nanos(finish!),
    status: { code: STATUS_BY_NUMBER[statusCode] ?? 'unset', message: statusMessage },
    http: httpFactsOf(attributes),
    attributes,
    events,
    links,
    resource,
    scope,
    account,
  };
}

/** KeyValue { string key = 1; AnyValue value = 2; } with scalar values read in place. */
function readKeyValue(reader: ProtoReader, stop: number, into: Attributes): void {
  let key = '';
  let value: Attributes[string] | undefined;
  while (reader.pos < stop) {
    const tag = reader.uint32();
    if (tag === ((1 << 3) | WIRE_LEN)) key = readString(reader);
    else if (tag === ((2 << 3) | WIRE_LEN)) {
      const valueStop = end(reader);
      value = readAnyValue(reader, reader.pos, valueStop);
    }
    else reader.skipType(tag & 7);
  }
  endsWhereItShould(reader, stop);
  if (key !== '' && value !== undefined) into[key] = value;
}

function readAnyValue(reader: ProtoReader, from: number, stop: number): Attributes[string] | undefined {
  let value: Attributes[string] | undefined;
  while (reader.pos < stop) {
    const tag = reader.uint32();
    switch (tag) {
      case (1 << 3) | WIRE_LEN:
        value = readString(reader);
        continue;
      case (2 << 3) | WIRE_VARINT:
        value = reader.bool();
        continue;
      case (3 << 3) | WIRE_VARINT:
        value = intValue(reader.int64() as unknown as { low: number; high: number });
        continue;
      case (4 << 3) | WIRE_FIXED64:
        value = reader.double();
        continue;
      case (5 << 3) | WIRE_LEN:
      case (6 << 3) | WIRE_LEN:
      case (7 << 3) | WIRE_LEN: {
        // Arrays, key-value lists and bytes are rare: the generated decoder and the shared conversion take the whole value.
        refuseDeepValues(reader, 'anyValue', from, stop);
        reader.pos = from;
        value = attributeValue(generated.common.v1.AnyValue.decode(reader, stop - from));
        endsWhereItShould(reader, stop);
        return value;
      }
    }
    reader.skipType(tag & 7);
  }
  endsWhereItShould(reader, stop);
  return value;
}

/**
 * Reads a part the agent's check skips whole (resource, scope, attribute, event, link, status),
 * bounded by its own length. An unreadable part is left out instead of failing the request: the
 * agent has already answered 200 for it, so central must refuse exactly what the check refuses.
 */
function readPart<T>(reader: ProtoReader, read: (stop: number) => T): T | undefined {
  const stop = end(reader);
  try {
    const value = read(stop);
    endsWhereItShould(reader, stop);
    return value;
  } catch {
    return undefined;
  } finally {
    reader.pos = stop;
  }
}

/**
 * Values nested past the limit make their part unreadable (left out), whatever stack the thread
 * has: the generated decoders recurse, and would fail at a depth that depends on the thread.
 */
function refuseDeepValues(reader: ProtoReader, holder: ValueHolder, from: number, stop: number): ProtoReader {
  if (valuesDeeperThan(reader, holder, from, stop)) throw new RangeError(`attribute values nested deeper than ${NESTING_LIMITS.anyValueLevels} levels (the limit of nesting)`);
  return reader;
}

/** A field that runs past its message's end makes the message malformed (as the check's walk has it). */
function endsWhereItShould(reader: ProtoReader, stop: number): void {
  if (reader.pos !== stop) throw new RangeError(`a field runs past its message's end at ${reader.pos}`);
}

/** A string field. protobufjs's Buffer reader cuts one that runs past the end short instead of failing; skipping it (the check) fails. */
function readString(reader: ProtoReader): string {
  const length = reader.uint32();
  const from = reader.pos;
  reader.skip(length);
  return Buffer.from(reader.buf.buffer, reader.buf.byteOffset + from, length).toString('utf8');
}

/** A varint's low 32 bits, consuming exactly what skipType (the check) consumes, however long the varint. */
function varintAsSkipped(reader: ProtoReader): number {
  const from = reader.pos;
  reader.skipType(WIRE_VARINT);
  let value = 0;
  for (let at = from, shift = 0; at < reader.pos && shift < 32; at++, shift += 7) value |= (reader.buf[at]! & 0x7f) << shift;
  return value;
}

function readUint64(reader: ProtoReader): bigint {
  const buf = reader.buf;
  const at = reader.pos;
  reader.pos += 8;
  if (reader.pos > reader.len) throw new RangeError('index out of range reading fixed64');
  const low = (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24)) >>> 0;
  const high = (buf[at + 4]! | (buf[at + 5]! << 8) | (buf[at + 6]! << 16) | (buf[at + 7]! << 24)) >>> 0;
  return (BigInt(high) << 32n) | BigInt(low);
}

function hexAt(buf: Uint8Array, reader: ProtoReader, length: number): string {
  const at = reader.pos;
  reader.pos += length;
  if (reader.pos > reader.len) throw new RangeError('index out of range reading bytes');
  return Buffer.from(buf.buffer, buf.byteOffset + at, length).toString('hex');
}

/** What a check of an OTLP request found: how many spans central will store, and which it will refuse. */
export interface CheckedRequest {
  accepted: number;
  rejected: RejectedSpan[];
}

/**
 * The agent's check before it acknowledges a protobuf request it will only forward: the message
 * structure (every length in bounds, down to the spans) and each span's ids and times, which is
 * what central refuses spans for, at several times the speed of a full decode. Attributes,
 * events and links are skipped whole, not read.
 */
export function checkOtlpProtobuf(body: Uint8Array): CheckedRequest {
  const reader = Reader.create(body);
  const checked: CheckedRequest = { accepted: 0, rejected: [] };
  try {
    walkMessages(reader, reader.len, (resourceStop) =>
      walkMessages(reader, resourceStop, (scopeStop) => walkMessages(reader, scopeStop, (spanStop) => checkSpan(reader, spanStop, checked), 2), 2),
    1);
  } catch (error) {
    throw new WireError(`protobuf: not a valid ExportTraceServiceRequest (${(error as Error).message})`, { cause: error });
  }
  return checked;
}

/** Visits each embedded message of field `field` up to `stop`, skipping every other field. */
function walkMessages(reader: ProtoReader, stop: number, visit: (messageStop: number) => void, field: number): void {
  while (reader.pos < stop) {
    const tag = reader.uint32();
    if (tag >>> 3 === field && (tag & 7) === WIRE_LEN) {
      const messageStop = end(reader);
      visit(messageStop);
      reader.pos = messageStop;
    } else {
      reader.skipType(tag & 7);
    }
  }
  if (reader.pos !== stop) throw new RangeError(`a field runs past its message's end at ${reader.pos}`);
}

function checkSpan(reader: ProtoReader, stop: number, checked: CheckedRequest): void {
  const spanStart = reader.pos;
  const buf = reader.buf;
  // Where each id lies (offset, length): checked on the bytes; hex is made only to explain a refusal.
  let traceAt = -1;
  let traceLength = 0;
  let spanAt = -1;
  let spanLength = 0;
  let parentLength = 0;
  let parentAt = -1;
  let start: bigint | null = null;
  let finish: bigint | null = null;
  while (reader.pos < stop) {
    const tag = reader.uint32();
    const wire = tag & 7;
    const field = tag >>> 3;
    if (wire === WIRE_LEN && (field === 1 || field === 2 || field === 4)) {
      const length = reader.uint32();
      const at = reader.pos;
      reader.pos += length;
      if (reader.pos > reader.len) throw new RangeError('index out of range reading bytes');
      if (field === 1) [traceAt, traceLength] = [at, length];
      else if (field === 2) [spanAt, spanLength] = [at, length];
      else [parentAt, parentLength] = [at, length];
    } else if (wire === WIRE_FIXED64 && (field === 7 || field === 8)) {
      if (field === 7) start = readUint64(reader);
      else finish = readUint64(reader);
    } else {
      reader.skipType(wire);
    }
  }
  const idOk = (at: number, length: number, bytes: number) => length === bytes && buf.subarray(at, at + length).some((byte) => byte !== 0);
  const valid =
    idOk(traceAt, traceLength, 16) && idOk(spanAt, spanLength, 8) && (parentLength === 0 || idOk(parentAt, parentLength, 8)) && start !== null && start > 0n && finish !== null && finish >= start && finish <= LATEST_NANOS;
  if (valid) {
    checked.accepted += 1;
    return;
  }
  // The refusal reads as the decoder's would: the same ids, through the same rule.
  const hex = (at: number, length: number) => (at < 0 ? '' : Buffer.from(buf.buffer, buf.byteOffset + at, length).toString('hex'));
  const ids = { traceId: hex(traceAt, traceLength), spanId: hex(spanAt, spanLength), parentSpanId: hex(parentAt, parentLength) };
  const reason = spanProblem(ids, start, finish) ?? `span at byte ${spanStart}: invalid`;
  checked.rejected.push({ index: checked.accepted + checked.rejected.length, spanId: safeHex(Buffer.from(ids.spanId, 'hex')), reason });
}
