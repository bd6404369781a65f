// protobufjs static code generated from the official opentelemetry-proto definitions, as
// published in @opentelemetry/otlp-transformer 0.52 (installed under the alias
// otlp-proto-codegen; later releases dropped the generated code for a hand-written encoder).
import generated from 'otlp-proto-codegen/build/src/generated/root.js';
import type { OtlpTraceRequest } from './otlp-shape.ts';

interface GeneratedMessageType<T> {
  decode(reader: Uint8Array): T;
  encode(message: T): { finish(): Uint8Array };
  fromObject(object: unknown): T;
}

const root = (generated as unknown as { opentelemetry: { proto: { collector: { trace: { v1: Record<string, unknown> } } } } }).opentelemetry.proto;

export const ExportTraceServiceRequest = root.collector.trace.v1.ExportTraceServiceRequest as GeneratedMessageType<OtlpTraceRequest>;
