import type { ErrorBodyJson, MaybePartial } from '@stitch/api';

/**
 * A thin client for central's JSON API, used by the query commands. A central started with
 * tokens wants one: `STITCH_TOKEN` (the read token to query, the admin token to change things),
 * read from the environment so it shows in no process list or shell history.
 */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | undefined = process.env.STITCH_TOKEN || undefined,
  ) {}

  get<T>(path: string, params: Record<string, string | undefined> = {}): Promise<T> {
    return this.send<T>('GET', path, params);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('POST', path, {}, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('PUT', path, {}, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.send<T>('DELETE', path);
  }

  private async send<T>(method: string, path: string, params: Record<string, string | undefined> = {}, payload?: unknown): Promise<T> {
    const url = new URL(path, this.baseUrl);
    for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
    let response: Response;
    try {
      const headers: Record<string, string> = {};
      if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
      if (payload !== undefined) headers['content-type'] = 'application/json';
      response = await fetch(url, { method, signal: AbortSignal.timeout(30_000), headers, ...(payload === undefined ? {} : { body: JSON.stringify(payload) }) });
    } catch (error) {
      throw new CliError(`cannot reach central at ${this.baseUrl} (${(error as Error).cause ?? (error as Error).message}); is \`stitch central\` running? (--url)`);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new CliError(`central answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
    }
    if (!response.ok) {
      const { error, ...details } = body as Partial<ErrorBodyJson>;
      throw new CliError(error ?? `central answered ${response.status}`, details);
    }
    warnIfPartial(body);
    return body as T;
  }
}

/** A federated answer some accounts were missing from says so on stderr, whatever the output format. */
function warnIfPartial(body: unknown): void {
  const partial = (body as MaybePartial | null)?.partial;
  if (!partial) return;
  for (const account of partial.missingAccounts) console.error(`warning: partial answer: no answer from ${account.label} (${account.accountId}): ${account.reason}`);
  for (const note of partial.stoppedAt) console.error(`warning: partial answer: stopped early: ${note}`);
}

/** An error meant for the user: printed without a stack trace, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';

  /** The rest of central's error body, such as the column a filter expression fails at. */
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** A filter expression error shown under the expression, with a caret at the column. */
export function withFilterCaret(error: unknown, expression: string | undefined): unknown {
  if (!(error instanceof CliError) || typeof error.details.column !== 'number' || expression === undefined) return error;
  return new CliError(`${error.message}
  ${expression}
  ${' '.repeat(error.details.column - 1)}^`, error.details);
}
