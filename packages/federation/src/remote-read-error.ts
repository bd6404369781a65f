/**
 * A read of a member's agent that failed. `reason` is short and meant for a person:
 * `timeout after 5000 ms`, `unreachable (ECONNREFUSED)`, `refused: 403 token revoked`,
 * `bad answer: traces.0.traceId: …`, `answer over 67108864 bytes`, `failed: 503 …`.
 */
export class RemoteReadError extends Error {
  constructor(
    readonly accountId: string,
    readonly reason: string,
    options: { cause?: unknown } = {},
  ) {
    super(`account ${accountId}: ${reason}`, options);
    this.name = 'RemoteReadError';
  }
}
