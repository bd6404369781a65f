export { ApiError } from './api-error.ts';
export { DEFAULT_MAX_BODY_BYTES, readBody } from './read-body.ts';
export { bodyOf, jsonBody, validated } from './json-body.ts';
export { decodePathSegment } from './path-segment.ts';
export { replyWithError, sendBytes, sendJson, toApiError } from './responses.ts';
export type { PartialSuccess } from './otlp-responses.ts';
export { formatOf, partialSuccessOf, sendOtlpError, sendOtlpSuccess } from './otlp-responses.ts';
export { DEFAULT_MAX_SPANS_PER_REQUEST, refuseOverSpanLimit } from './span-count-limit.ts';
export { logsPartialSuccessOf, sendOtlpLogsSuccess } from './otlp-logs-responses.ts';
