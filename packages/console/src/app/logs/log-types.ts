/** A log line as GET /api/logs answers it; `trace` when the lines were joined with a filter's traces. */
export interface LogLineJson {
  timeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: string;
  traceId: string;
  spanId: string;
  serviceName: string;
  attributes: Record<string, unknown>;
  account: { id: string; label: string };
  trace?: { traceId: string; durationMs: number; rootServiceName: string; rootSpanName: string; hasError: boolean };
}

export interface LogsAnswerJson {
  logs: LogLineJson[];
  traces?: { matched: number; limit: number; complete: boolean };
}
