/** A thin client for central's JSON API, used by the query commands. */
export class ApiClient {
  constructor(private readonly baseUrl: string) {}

  async get<T>(path: string, params: Record<string, string | undefined> = {}): Promise<T> {
    const url = new URL(path, this.baseUrl);
    for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
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
    if (!response.ok) throw new CliError((body as { error?: string }).error ?? `central answered ${response.status}`);
    return body as T;
  }
}

/** An error meant for the user: printed without a stack trace, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}
