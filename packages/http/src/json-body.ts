import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.ts';
import { readBody } from './read-body.ts';
import type { z } from 'zod';

/** A request's JSON body (413 over `limit` bytes); a 400 naming `body` when it is not JSON. */
export async function jsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const text = (await readBody(req, limit)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'body: not JSON');
  }
}

/** A value checked against `schema`; a 400 naming the first field at fault (`types.0: …`). */
export function validated<T extends z.ZodType>(value: unknown, schema: T): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApiError(400, `${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return parsed.data;
}

/** A request's JSON body checked against `schema`. */
export async function bodyOf<T extends z.ZodType>(req: IncomingMessage, schema: T, limit: number): Promise<z.infer<T>> {
  return validated(await jsonBody(req, limit), schema);
}
