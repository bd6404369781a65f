import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { ApiError, readBody } from '@stitch/http';
import { FEDERATION_LIMITS } from './protocol.ts';

/** A request's JSON body checked against `schema`: 413 past the size limit, 400 naming the first field at fault. */
export async function bodyOf<T extends z.ZodType>(req: IncomingMessage, schema: T): Promise<z.output<T>> {
  const text = (await readBody(req, FEDERATION_LIMITS.requestBytes)).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'body: not JSON');
  }
  return checked(value, schema);
}

/** `value` checked against `schema`; a 400 naming the first field at fault (`traceIds.3: …`). */
export function checked<T extends z.ZodType>(value: unknown, schema: T): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApiError(400, `${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return parsed.data;
}
