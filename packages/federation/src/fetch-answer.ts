import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { isValidTraceId } from '@stitch/model';
import { pinnedRequest } from './pinned-request.ts';
import type { ReadUrlGuard } from './read-allow-list.ts';
import { apiUrl } from './read-url.ts';
import { RemoteReadError } from './remote-read-error.ts';

export interface AgentEndpoint {
  /** The agent's read address as parseReadUrl gave it, such as http://10.0.3.7:4319. */
  url: URL;
  /** The account's link token, sent as a bearer token. */
  token: string;
  /** Which URLs may be contacted (with the token): asked again before every request. */
  allowList: ReadUrlGuard;
  /** Named in errors. */
  accountId: string;
  timeoutMs: number;
  maxResponseBytes: number;
}

/**
 * One request to an agent (POST when there is a body, else GET), its JSON answer checked against
 * `schema`. Anything else — a URL off the allow-list, no answer in time, no connection, a refusal,
 * an answer too big or not of the expected shape — is a RemoteReadError saying which. Readers see
 * that reason, so it is one of a fixed set plus central's own figures: nothing the remote server
 * wrote (its error body is never read) reaches them.
 */
export async function fetchAnswer<T extends z.ZodType>(endpoint: AgentEndpoint, path: string, body: unknown, schema: T, query?: URLSearchParams): Promise<z.output<T>> {
  const fail = (reason: string, cause?: unknown) => new RemoteReadError(endpoint.accountId, reason, { cause });
  const url = apiUrl(endpoint.url, path, query);
  const abort = new AbortController();
  const timeout = fail(`timeout after ${endpoint.timeoutMs} ms`);
  // A lookup cannot be cancelled: the deadline is raced against it and against the request alike.
  const deadline = new Promise<never>((_resolve, reject) => abort.signal.addEventListener('abort', () => reject(timeout)));
  deadline.catch(() => {});
  const timer = setTimeout(() => abort.abort(), endpoint.timeoutMs);
  let status: number;
  let text = '';
  try {
    const verdict = await Promise.race([endpoint.allowList.check(url), deadline]);
    if (!verdict.allowed) throw fail("refused: not on central's federation allow-list");
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const response = await Promise.race([
      pinnedRequest(url, {
        method: payload === undefined ? 'GET' : 'POST',
        headers: {
          authorization: `Bearer ${endpoint.token}`,
          accept: 'application/json',
          ...(payload !== undefined && { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
        },
        ...(payload !== undefined && { body: payload }),
        addresses: verdict.addresses,
        signal: abort.signal,
      }),
      deadline,
    ]);
    status = response.statusCode ?? 0;
    if (status >= 200 && status <= 299) text = await Promise.race([cappedText(response, endpoint.maxResponseBytes, fail), deadline]);
    else response.resume(); // never read: whatever the server wrote stays there
  } catch (error) {
    if (error instanceof RemoteReadError) throw error;
    if (abort.signal.aborted) throw timeout;
    throw fail(`unreachable (${networkCode(error)})`, error);
  } finally {
    clearTimeout(timer);
  }
  if (status < 200 || status > 299) throw fail(statusReason(status));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw fail('bad answer: not JSON', error);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw fail(`bad answer: ${issueText(parsed.error.issues[0]!)}`, parsed.error);
  return parsed.data;
}

function statusReason(status: number): string {
  if (status >= 300 && status <= 399) return `its agent answered HTTP ${status} (redirects are not followed)`;
  if (status === 401 || status === 403) return `refused by its agent (HTTP ${status})`;
  return `its agent answered HTTP ${status}`;
}

/** The body as text, refusing past `limit` bytes without holding more than that. */
async function cappedText(response: IncomingMessage, limit: number, fail: (reason: string) => RemoteReadError): Promise<string> {
  const over = () => fail(`answer over ${limit} bytes`);
  if (Number(response.headers['content-length'] ?? 0) > limit) {
    response.destroy();
    throw over();
  }
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    received += chunk.byteLength;
    if (received > limit) {
      response.destroy();
      throw over();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The system error's code (ECONNREFUSED, ENOTFOUND, …): a fixed word, never a message from elsewhere. */
function networkCode(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? code : 'connection failed';
}

/**
 * Where the answer is not what was asked for: the field's path and the schema's message. Path
 * parts are the schema's own names, indexes and trace ids; any other key (the agent's) is elided.
 */
function issueText(issue: z.ZodError['issues'][number]): string {
  const path = issue.path.map((part) => (typeof part === 'number' || (typeof part === 'string' && (/^[A-Za-z]{1,40}$/.test(part) || isValidTraceId(part))) ? String(part) : '…'));
  const message = issue.code === 'unrecognized_keys' ? 'unexpected fields' : issue.message;
  return `${path.join('.') || 'body'}: ${message}`;
}
