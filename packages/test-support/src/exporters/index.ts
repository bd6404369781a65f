export type { ExportedTrace, ExporterKind } from './trace-exporters.ts';
export { exportSampleTrace, SAMPLE_TRACE_TIMING } from './trace-exporters.ts';
export { exportSampleLogs } from './log-exporters.ts';
