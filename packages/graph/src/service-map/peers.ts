import { inferPeer, stringAttribute, type Span } from '@stitch/model';

// The peer's identity lives in the model: the stores keep it per call span for the filter language.
export { inferPeer, type InferredPeer } from '@stitch/model';

/** A call that never expects a span from its peer: databases are not instrumented. */
export function expectsNoCallee(span: Span): boolean {
  return inferPeer(span).type === 'database';
}

/** The path a client span asked for, or a server span answered ('' when unknown). */
export function requestPathOf(span: Span): string {
  const path = stringAttribute(span.attributes, 'url.path', 'http.target');
  if (path) return path.split('?')[0]!;
  const url = span.http.url;
  if (url) {
    try {
      return new URL(url, 'http://peer').pathname;
    } catch {
      return '';
    }
  }
  return '';
}

/** A server's route template (`/stock/:sku`, `/stock/{sku}`) or path against a client's path. */
export function pathMatches(clientPath: string, serverRouteOrPath: string): boolean {
  if (clientPath === '' || serverRouteOrPath === '') return false;
  const wanted = clientPath.split('/');
  const pattern = serverRouteOrPath.split('?')[0]!.split('/');
  if (wanted.length !== pattern.length) return false;
  return pattern.every((part, i) => part === wanted[i] || isParameter(part));
}

/** A route template's parameter segment: `:sku`, `{sku}` or `*`. */
export function isParameter(segment: string): boolean {
  return /^(:\w+|\{[^}]+\}|\*)$/.test(segment);
}
