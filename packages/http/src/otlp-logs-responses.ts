import type { ServerResponse } from 'node:http';
import type { OtlpFormat, RejectedLog } from '@stitch/wire';
import { ApiError } from './api-error.ts';
import { sendOtlpSuccess } from './otlp-responses.ts';
import { sendJson } from './responses.ts';

/** Reported rejections are capped, so a request of 50,000 bad records does not get a 10 MB answer. */
const MAX_REASONS = 20;

/** What to report for a request of which `accepted` records are kept; a 400 when none is (and some were refused). */
/** What OTLP's partial_success says of a logs export: how many records were refused, and why (or a warning). */
export interface LogsPartialSuccess {
  rejected: number;
  errorMessage: string;
}

export function logsPartialSuccessOf(accepted: number, rejected: readonly RejectedLog[], warning = ''): LogsPartialSuccess {
  if (rejected.length === 0) return { rejected: 0, errorMessage: warning };
  const shown = rejected.slice(0, MAX_REASONS).map((r) => `record ${r.index}: ${r.reason}`);
  const reasons = shown.join('; ') + (rejected.length > MAX_REASONS ? `; and ${rejected.length - MAX_REASONS} more` : '');
  if (accepted === 0) throw new ApiError(400, `all ${rejected.length} log records were rejected: ${reasons}`);
  return { rejected: rejected.length, errorMessage: `${rejected.length} of ${rejected.length + accepted} log records rejected: ${reasons}${warning ? `; ${warning}` : ''}` };
}

/** OTLP/HTTP's 200 for logs: an ExportLogsServiceResponse, with partial_success when records were refused. */
export function sendOtlpLogsSuccess(res: ServerResponse, format: OtlpFormat, partial: LogsPartialSuccess): void {
  if (format === 'protobuf') {
    // ExportLogsPartialSuccess has the traces' layout (exportResponseBytes): the same bytes.
    sendOtlpSuccess(res, format, { rejectedSpans: partial.rejected, errorMessage: partial.errorMessage });
    return;
  }
  sendJson(res, 200, partial.rejected > 0 || partial.errorMessage ? { partialSuccess: { rejectedLogRecords: String(partial.rejected), errorMessage: partial.errorMessage } } : {});
}
