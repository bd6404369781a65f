import type { IncomingMessage } from 'node:http';
import { gunzip, inflate } from 'node:zlib';
import { promisify } from 'node:util';
import { ApiError } from './api-error.ts';

/** The default body limit of central and the agent, after decompression. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

const tooLarge = (limit: number, what: string) =>
  new ApiError(413, `${what} exceeds the ${limit} byte limit (split the batch or raise --max-body-bytes)`, {
    headers: { connection: 'close' },
  });

/**
 * Reads a request body, refusing more than `limit` bytes before and after decompression,
 * so neither a huge upload nor a gzip bomb can exhaust memory.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume(); // discard; the response closes the connection
    throw tooLarge(limit, 'request body (content-length)');
  }
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > limit) {
      req.resume();
      throw tooLarge(limit, 'request body');
    }
    chunks.push(chunk);
  }
  const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received);
  return decompress(raw, String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase(), limit);
}

async function decompress(raw: Buffer, encoding: string, limit: number): Promise<Buffer> {
  if (encoding === 'identity' || encoding === '') return raw;
  const inflater = encoding === 'gzip' || encoding === 'x-gzip' ? gunzipAsync : encoding === 'deflate' ? inflateAsync : null;
  if (!inflater) throw new ApiError(415, `content-encoding: "${encoding}" is not supported (use gzip, deflate or identity)`);
  try {
    return await inflater(raw, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limit, 'decompressed request body');
    throw new ApiError(400, `content-encoding: body is not valid ${encoding} data (${(error as Error).message})`, { cause: error });
  }
}
