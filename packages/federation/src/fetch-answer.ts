import type { z } from 'zod';
import { RemoteReadError } from './remote-read-error.ts';

export interface AgentEndpoint {
  /** The agent's read address, such as http://10.0.3.7:4319. */
  url: string;
  /** The account's link token, sent as a bearer token. */
  token: string;
  /** Named in errors. */
  accountId: string;
  timeoutMs: number;
  maxResponseBytes: number;
}

/** The message of an agent's error body is shown to people: kept short, on one line. */
const MAX_MESSAGE_CHARS = 200;

/**
 * One request to an agent (POST when there is a body, else GET), its JSON answer checked against
 * `schema`. Anything else — no answer in time, no connection, a refusal, an answer too big or not
 * of the expected shape — is a RemoteReadError saying which.
 */
export async function fetchAnswer<T extends z.ZodType>(endpoint: AgentEndpoint, path: string, body: unknown, schema: T): Promise<z.output<T>> {
  const fail = (reason: string, cause?: unknown) => new RemoteReadError(endpoint.accountId, reason, { cause });
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, endpoint.timeoutMs);
  let status: number;
  let text: string;
  try {
    const response = await fetch(`${endpoint.url.replace(/\/+$/, '')}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${endpoint.token}`, accept: 'application/json', ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      // A redirect would carry the token elsewhere: it is reported, not followed.
      redirect: 'manual',
      signal: abort.signal,
    });
    status = response.status;
    text = await cappedText(response, endpoint.maxResponseBytes, fail);
  } catch (error) {
    if (error instanceof RemoteReadError) throw error;
    if (timedOut) throw fail(`timeout after ${endpoint.timeoutMs} ms`, error);
    throw fail(`unreachable (${networkCode(error)})`, error);
  } finally {
    clearTimeout(timer);
  }
  if (status < 200 || status > 299) {
    const reason = status === 401 || status === 403 ? 'refused' : 'failed';
    throw fail(`${reason}: ${status} ${errorMessage(text)}`.trimEnd());
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw fail('bad answer: not JSON', error);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw fail(`bad answer: ${issue.path.join('.') || 'body'}: ${issue.message}`, parsed.error);
  }
  return parsed.data;
}

/** The body as text, refusing past `limit` bytes without holding more than that. */
async function cappedText(response: Response, limit: number, fail: (reason: string) => RemoteReadError): Promise<string> {
  const over = () => fail(`answer over ${limit} bytes`);
  if (Number(response.headers.get('content-length') ?? 0) > limit) {
    await response.body?.cancel();
    throw over();
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let received = 0;
  for await (const chunk of response.body) {
    received += chunk.byteLength;
    if (received > limit) throw over(); // leaving the loop cancels the stream
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** fetch's TypeError hides the system error (ECONNREFUSED, ENOTFOUND, …) in its cause. */
function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  return String(cause?.message ?? (error as Error)?.message ?? error);
}

/** `{ "error": "…" }` as every Stitch server answers a failure; else the start of whatever came. */
function errorMessage(text: string): string {
  let message = text;
  try {
    const json: unknown = JSON.parse(text);
    if (typeof (json as { error?: unknown })?.error === 'string') message = (json as { error: string }).error;
  } catch {
    // not JSON: shown as it came
  }
  // Control characters could rewrite the terminal line an operator reads this on.
  const line = message.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return line.length > MAX_MESSAGE_CHARS ? `${line.slice(0, MAX_MESSAGE_CHARS)}…` : line;
}
