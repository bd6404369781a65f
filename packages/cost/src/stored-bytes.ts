import type { SpanBatch } from '@stitch/model';

/**
 * Fixed-width part of a stored span: trace id (32), span and parent ids (16 each), start and end
 * (8 each), kind and status (4 each).
 */
export const SPAN_FIXED_BYTES = 88;

const utf8 = (value: string | null) => (value === null ? 0 : Buffer.byteLength(value, 'utf8'));

/**
 * The bytes a span takes in the store, estimated as its row before compression: the fixed part,
 * then the UTF-8 length of its name, service, account id and label, HTTP method, route and URL,
 * its attributes (as the typed lists' JSON), events, links, status message, trace state and scope. The resource's
 * attributes are left out: every span of a process shares them, and the stores keep them about once.
 */
export function storedBytesOf(batch: SpanBatch, i: number): number {
  return (
    SPAN_FIXED_BYTES +
    utf8(batch.name[i]!) +
    utf8(batch.serviceName[i]!) +
    utf8(batch.accountId[i]!) +
    utf8(batch.accountLabel[i]!) +
    utf8(batch.httpMethod[i]!) +
    utf8(batch.httpRoute[i]!) +
    utf8(batch.httpUrl[i]!) +
    utf8(batch.attributesJson[i]!) +
    utf8(batch.eventsJson[i]!) +
    utf8(batch.linksJson[i]!) +
    utf8(batch.statusMessage[i]!) +
    utf8(batch.traceState[i]!) +
    utf8(batch.scopeName[i]!) +
    utf8(batch.scopeVersion[i]!)
  );
}
