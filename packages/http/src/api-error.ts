/** The one error type HTTP handlers throw; turned into a response in one place (`sendError`). */
export class ApiError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Extra fields of the JSON error body, such as the column a filter expression fails at. */
  readonly details: Record<string, unknown>;

  constructor(status: number, message: string, options: { cause?: unknown; headers?: Record<string, string>; details?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ApiError';
    this.status = status;
    this.headers = options.headers ?? {};
    this.details = options.details ?? {};
  }
}
