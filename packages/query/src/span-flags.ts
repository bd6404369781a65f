import type { Span } from '@stitch/model';

/** X-Ray's outcome flags for one span: throttle is a 429 (and so also an error), error any 4xx, fault a 5xx or an error status without a 4xx. */
export function spanHasFlag(span: Pick<Span, 'status' | 'http'>, flag: 'fault' | 'error' | 'throttle' | 'ok'): boolean {
  const status = span.http.statusCode;
  const clientError = status !== null && status >= 400 && status <= 499;
  const fault = (status !== null && status >= 500) || (span.status.code === 'error' && !clientError);
  switch (flag) {
    case 'throttle':
      return status === 429;
    case 'error':
      return clientError;
    case 'fault':
      return fault;
    case 'ok':
      return !clientError && !fault;
  }
}
