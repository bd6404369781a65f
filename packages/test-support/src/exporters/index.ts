export type { ExportedTrace, ExporterKind, GrpcExporterKind } from './trace-exporters.ts';
export { exportRawGrpc, exportSampleTrace, metadataOf, SAMPLE_TRACE_TIMING } from './trace-exporters.ts';
export { exportSampleLogs } from './log-exporters.ts';
export { recordZipkinJsCall, type ZipkinJsCall } from './zipkin-js.ts';
