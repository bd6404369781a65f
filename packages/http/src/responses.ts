import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error.ts';

// bigint (nanoseconds) goes out as a decimal string: JSON numbers cannot hold uint64 exactly.
const replacer = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(jsonText(body));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.byteLength, ...headers });
  res.end(bytes);
}

/**
 * The body as JSON, a bigint as decimal text (JSON has no form for one). Without a replacer
 * first: calling one for every value made a 10 MB answer five times slower to write.
 */
function jsonText(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    if (error instanceof TypeError) return JSON.stringify(body, replacer);
    throw error;
  }
}

export function sendBytes(res: ServerResponse, status: number, contentType: string, body: Uint8Array, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': body.byteLength, ...headers });
  res.end(body);
}

/**
 * A handler's failure as the answer: its ApiError as JSON (`{ error, ...details }`), anything else
 * a logged 500; the rest of the request is drained, and a half-sent answer is cut off.
 */
export function replyWithError(req: IncomingMessage, res: ServerResponse, error: unknown, log: (message: string) => void): void {
  req.resume();
  const apiError = toApiError(error, log);
  if (res.headersSent) res.destroy();
  else sendJson(res, apiError.status, { error: apiError.message, ...apiError.details }, apiError.headers);
}

/** Any thrown value becomes a JSON error; only ApiError messages reach the client, the rest is logged. */
export function toApiError(error: unknown, log: (message: string) => void): ApiError {
  if (error instanceof ApiError) return error;
  log(`internal error: ${(error as Error)?.stack ?? String(error)}`);
  return new ApiError(500, 'internal error (see the central log)', { cause: error });
}
