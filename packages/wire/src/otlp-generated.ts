// protobufjs static code generated from the official opentelemetry-proto definitions, as
// published in @opentelemetry/otlp-transformer 0.52 (installed under the alias
// otlp-proto-codegen; later releases dropped the generated code for a hand-written encoder).
import rootModule from 'otlp-proto-codegen/build/src/generated/root.js';
import type protobuf from 'protobufjs/minimal.js';
import type { OtlpAnyValue, OtlpKeyValue, OtlpSpan, OtlpTraceRequest } from './otlp-shape.ts';

interface GeneratedMessageType<T> {
  /** From bytes, or from a Reader positioned at a message of `length` bytes. */
  decode(reader: Uint8Array | protobuf.Reader, length?: number): T;
  encode(message: T): { finish(): Uint8Array };
  fromObject(object: unknown): T;
  toObject(message: T, options?: protobuf.IConversionOptions): Record<string, unknown>;
}

type Proto = {
  collector: { trace: { v1: { ExportTraceServiceRequest: GeneratedMessageType<OtlpTraceRequest> } } };
  common: { v1: { AnyValue: GeneratedMessageType<OtlpAnyValue>; InstrumentationScope: GeneratedMessageType<{ name?: string | null; version?: string | null }> } };
  resource: { v1: { Resource: GeneratedMessageType<{ attributes?: OtlpKeyValue[] | null }> } };
  trace: {
    v1: {
      Span: { Event: GeneratedMessageType<NonNullable<OtlpSpan['events']>[number]>; Link: GeneratedMessageType<NonNullable<OtlpSpan['links']>[number]> };
      Status: GeneratedMessageType<NonNullable<OtlpSpan['status']>>;
    };
  };
};

/** The generated message types, by package. */
export const generated = (rootModule as unknown as { opentelemetry: { proto: Proto } }).opentelemetry.proto;

export const ExportTraceServiceRequest = generated.collector.trace.v1.ExportTraceServiceRequest;
