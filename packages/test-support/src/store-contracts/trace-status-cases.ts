import { makeSpan, nanos, type Span } from '@stitch/model';

// Test support: traces whose callers saw different things, for the stores' status tests (and
// their migrations). Each case's right answer is summarizeTrace of its spans.

const BASE = 1_905_000_000_000_000_000n;
const at = (ms: number) => nanos(BASE + BigInt(ms) * 1_000_000n);

function span(trace: number, id: number, parent: number | null, startMs: number, statusCode: number | null, error = false): Span {
  return makeSpan({
    traceId: trace.toString(16).padStart(32, 'c'),
    spanId: (trace * 100 + id).toString(16).padStart(16, '0'),
    parentSpanId: parent === null ? null : (trace * 100 + parent).toString(16).padStart(16, '0'),
    name: parent === null ? 'POST /rides' : 'POST /book',
    startTimeUnixNano: at(trace * 1000 + startMs),
    endTimeUnixNano: at(trace * 1000 + startMs + 40),
    status: { code: error ? 'error' : 'unset', message: '' },
    http: { method: 'POST', route: null, url: null, statusCode },
    account: { id: '777777777777', label: 'rides' },
  });
}

/** The cases, each as the batches it arrives in. */
export function traceStatusCases(): { name: string; batches: Span[][] }[] {
  return [
    // Two 503s retried, then booked: the rider saw a 201.
    { name: 'retried inside a success', batches: [[span(1, 0, null, 0, 201), span(1, 1, 0, 5, 503), span(1, 2, 0, 50, 503), span(1, 3, 0, 100, 201)]] },
    { name: 'a failing root', batches: [[span(2, 0, null, 0, 502, true), span(2, 1, 0, 5, 200)]] },
    { name: 'a 404 root', batches: [[span(3, 0, null, 0, 404, true)]] },
    { name: 'the root not arrived', batches: [[span(4, 1, 0, 5, 500), span(4, 2, 0, 60, null)]] },
    // The root last, in a batch of its own, as a long request exports.
    { name: 'in two batches, root last', batches: [[span(5, 1, 0, 5, null, true), span(5, 2, 1, 8, 429)], [span(5, 0, null, 0, 200)]] },
  ];
}

/** The root of the case still without one, to send later: the caller saw a 200. */
export const lateRoot = (): Span => span(4, 0, null, 0, 200);

/** A window holding every case. */
export const traceStatusWindow = { startNanos: at(0), endNanos: at(10_000), limit: 100 };
