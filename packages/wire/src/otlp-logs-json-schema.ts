import { z } from 'zod';
import { anyValue, attributes, enumOf, int64, opt } from './otlp-json-schema.ts';

// OTLP/JSON logs, with the traces' rules (otlp-json-schema.ts): hex ids, decimal-string times,
// every field optional, unknown fields ignored. Ids and times are checked per record later, so a
// bad one refuses its record, not the request.

// SEVERITY_NUMBER_UNSPECIFIED, SEVERITY_NUMBER_TRACE, SEVERITY_NUMBER_TRACE2 … SEVERITY_NUMBER_FATAL4: 0 to 24.
const SEVERITY_NAMES = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((name) => ['', '2', '3', '4'].map((step) => `SEVERITY_NUMBER_${name}${step}`)),
];

const logRecord = z.object({
  timeUnixNano: opt(int64),
  observedTimeUnixNano: opt(int64),
  severityNumber: opt(enumOf(SEVERITY_NAMES)),
  severityText: opt(z.string()),
  body: opt(anyValue),
  attributes,
  traceId: opt(z.string()),
  spanId: opt(z.string()),
});

export const otlpLogsRequestJson = z.object({
  resourceLogs: opt(
    z.array(
      z.object({
        resource: opt(z.object({ attributes })),
        scopeLogs: opt(z.array(z.object({ scope: opt(z.object({ name: opt(z.string()), version: opt(z.string()) })), logRecords: opt(z.array(logRecord)) }))),
      }),
    ),
  ),
});
