import type { IncomingMessage } from 'node:http';
import { gunzipSync, inflateSync } from 'node:zlib';
import { ApiError } from './api-error.ts';
import type { BodyHold } from './body-budget.ts';

/** The default body limit of central and the agent, after decompression. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

const tooLarge = (limit: number, what: string) =>
  new ApiError(413, `${what} exceeds the ${limit} byte limit (split the batch or raise --max-body-bytes)`, {
    headers: { connection: 'close' },
  });

/**
 * Reads a request body, refusing more than `limit` bytes before and after decompression,
 * so neither a huge upload nor a gzip bomb can exhaust memory. With a `hold`, the bytes read
 * (the declared length first, so a refused body is never read) and decompressed are taken from
 * the process's BodyBudget.
 */
export async function readBody(req: IncomingMessage, limit: number, hold?: BodyHold): Promise<Buffer> {
  return decompressBody(req, await receiveBody(req, limit, hold), limit, hold);
}

/** The first half of readBody, apart so it can be timed apart: the body as sent (compressed or not). */
export async function receiveBody(req: IncomingMessage, limit: number, hold?: BodyHold): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume(); // discard; the response closes the connection
    throw tooLarge(limit, 'request body (content-length)');
  }
  const reserved = Number.isSafeInteger(declared) && declared > 0 ? declared : 0;
  /** Takes `bytes` of the budget; a refusal discards the rest of the body (the response closes the connection). */
  const take = (bytes: number) => {
    try {
      hold?.grow(bytes);
    } catch (error) {
      req.resume();
      throw error;
    }
  };
  take(reserved);
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > limit) {
      req.resume();
      throw tooLarge(limit, 'request body');
    }
    if (received > reserved) take(Math.min(chunk.length, received - reserved));
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received);
}

/** The second half of readBody: `raw` (from receiveBody) decompressed as its Content-Encoding says, within `limit`. */
export async function decompressBody(req: IncomingMessage, raw: Buffer, limit: number, hold?: BodyHold): Promise<Buffer> {
  const plain = decompressPayload(raw, contentEncodingOf(req), limit);
  if (plain !== raw) hold?.grow(plain.length);
  return plain;
}

/** The request's Content-Encoding, lower case ('identity' when absent). */
export const contentEncodingOf = (req: IncomingMessage) => String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();

/**
 * On this thread, not zlib's asynchronous form: that runs in libuv's few threads, where it waited
 * behind the store's queries (measured at 0.5 to 1 ms a span under load), while inflating a body
 * (at most `limit` bytes out) here costs about a microsecond a span.
 */
export function decompressPayload(raw: Buffer, encoding: string, limit: number): Buffer {
  if (encoding === 'identity' || encoding === '') return raw;
  const inflater = encoding === 'gzip' || encoding === 'x-gzip' ? gunzipSync : encoding === 'deflate' ? inflateSync : null;
  if (!inflater) throw new ApiError(415, `content-encoding: "${encoding}" is not supported (use gzip, deflate or identity)`);
  try {
    return inflater(raw, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limit, 'decompressed request body');
    throw new ApiError(400, `content-encoding: body is not valid ${encoding} data (${(error as Error).message})`, { cause: error });
  }
}
