import protobuf from 'protobufjs/minimal.js';
import { NESTING_LIMITS } from '@stitch/wire';
import type { Random } from './mutate.ts';
import type { OtlpFormat } from './otlp-inputs.ts';

// Requests whose one attribute value nests `levels` values inside each other (arrays and
// key-value lists, alternating from `kvlistFirst`), built without recursion so any depth can be
// made: around the nesting limits, and far past them (where decoders overflow their stack).

const START_NS = 1_764_000_000_000_000_000n;

/** OTLP/JSON: the value sits at JSON level 10 (request, resourceSpans, …, the attribute), each array level adds 3, each key-value list 4. */
export function nestedJsonRequest(levels: number, kvlistFirst = false, traceId = '4bf92f3577b34da6a3ce929d0e0e4736'): Buffer {
  let open = '';
  let close = '';
  for (let level = 1; level < levels; level++) {
    if ((level % 2 === 1) === kvlistFirst) {
      open += '{"kvlistValue":{"values":[{"key":"k","value":';
      close = '}]}}' + close;
    } else {
      open += '{"arrayValue":{"values":[';
      close = ']}}' + close;
    }
  }
  const value = `${open}{"stringValue":"deep"}${close}`;
  return Buffer.from(
    `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${traceId}","spanId":"00f067aa0ba902b7","name":"deep","startTimeUnixNano":"${START_NS}","endTimeUnixNano":"${START_NS + 1_000_000n}","attributes":[{"key":"deep","value":${value}}]}]}]}]}`,
  );
}

/** OTLP/protobuf: the same request, the value's messages opened and closed with the writer's forks (no recursion). */
export function nestedProtobufRequest(levels: number, kvlistFirst = false, traceId = '4bf92f3577b34da6a3ce929d0e0e4736'): Buffer {
  const w = protobuf.Writer.create();
  const LEN = 2;
  const open = (field: number) => w.uint32((field << 3) | LEN).fork();
  open(1); // ResourceSpans
  open(2); // ScopeSpans
  open(2); // Span
  w.uint32((1 << 3) | LEN).bytes(Buffer.from(traceId, 'hex'));
  w.uint32((2 << 3) | LEN).bytes(Buffer.from('00f067aa0ba902b7', 'hex'));
  w.uint32((5 << 3) | LEN).string('deep');
  // fixed64 as its two little-endian halves: exact for any uint64.
  const fixed64 = (field: number, value: bigint) => w.uint32((field << 3) | 1).fixed32(Number(value & 0xffffffffn)).fixed32(Number(value >> 32n));
  fixed64(7, START_NS);
  fixed64(8, START_NS + 1_000_000n);
  open(9); // KeyValue
  w.uint32((1 << 3) | LEN).string('deep');
  open(2); // AnyValue
  let forks = 0;
  for (let level = 1; level < levels; level++) {
    if ((level % 2 === 1) === kvlistFirst) {
      open(6); // KeyValueList
      open(1); // KeyValue
      w.uint32((1 << 3) | LEN).string('k');
      open(2); // AnyValue
      forks += 3;
    } else {
      open(5); // ArrayValue
      open(1); // AnyValue
      forks += 2;
    }
  }
  w.uint32((1 << 3) | LEN).string('deep');
  for (let i = 0; i < forks + 5; i++) w.ldelim();
  return Buffer.from(w.finish());
}

/** A depth to try: mostly near the limit of the format, sometimes far past it. */
export function nestingLevels(random: Random, format: OtlpFormat): number {
  // JSON levels per value level: 3 or 4; the value starts at level 10.
  const nearLimit = format === 'json' ? Math.floor((NESTING_LIMITS.jsonLevels - 9) / 3.5) : NESTING_LIMITS.anyValueLevels;
  const roll = random.float();
  if (roll < 0.7) return Math.max(1, nearLimit - 4 + random.int(9));
  if (roll < 0.9) return 100 + random.int(1_000);
  return 1_000 + random.int(20_000);
}
