import type { LogRecord } from '@stitch/model';
import { keyValues } from './spans-to-otlp.ts';

/**
 * Log records as an OTLP/JSON ExportLogsServiceRequest, one resource per service (what the
 * agent forwards for the JSON lines it read). The account is not in it: the receiver decides it
 * from the link credential.
 */
export function logsToOtlpJson(records: readonly LogRecord[]): object {
  const byService = new Map<string, LogRecord[]>();
  for (const record of records) {
    const list = byService.get(record.serviceName);
    if (list) list.push(record);
    else byService.set(record.serviceName, [record]);
  }
  return {
    resourceLogs: [...byService.entries()].map(([serviceName, list]) => ({
      resource: { attributes: keyValues({ 'service.name': serviceName }) },
      scopeLogs: [
        {
          scope: { name: 'stitch-agent/json-lines', version: '' },
          logRecords: list.map((record) => ({
            timeUnixNano: record.timeUnixNano.toString(),
            severityNumber: record.severityNumber,
            severityText: record.severityText,
            body: { stringValue: record.body },
            attributes: keyValues(record.attributes),
            traceId: record.traceId,
            spanId: record.spanId,
          })),
        },
      ],
    })),
  };
}
