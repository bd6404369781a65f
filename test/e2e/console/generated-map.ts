import { ACCOUNTS } from '@stitch/test-support/fixtures';
import { makeSpan, nanos, type Span } from '@stitch/model';

const MS = 1_000_000n;
const WORDS = ['inventory', 'reservation', 'pricing', 'catalog', 'recommendation', 'shipping', 'fulfilment', 'ledger', 'identity', 'notification'];

/**
 * `traces` traces through `services` services spread over the five checkout accounts: service i
 * calls 2i+1 and 2i+2 (a client span and the callee's server span), so each trace visits all of
 * them. Names as long as real ones ("recommendation-ledger-service-17"), to test the map at
 * a size the demo does not reach.
 */
export function generatedMapTraces(services: number, traces: number, startMs = Date.now() - 5 * 60_000): Span[][] {
  const accounts = Object.values(ACCOUNTS);
  const nameOf = (i: number) => `${WORDS[i % WORDS.length]}-${WORDS[(i * 7 + 3) % WORDS.length]}-service-${i}`;
  const accountOf = (i: number) => accounts[i % accounts.length]!;
  return Array.from({ length: traces }, (_, t) => {
    const traceId = (0xa000 + t).toString(16).padStart(32, '0');
    let next = 0;
    const spans: Span[] = [];
    const at = (ms: number) => nanos(BigInt(startMs + t * 1_000) * MS + BigInt(Math.round(ms * 1_000)) * 1_000n);
    const serve = (i: number, parent: string | null, fromMs: number, toMs: number): void => {
      const spanId = (++next).toString(16).padStart(16, '0');
      const service = { serviceName: nameOf(i), attributes: { 'service.name': nameOf(i) } };
      spans.push(makeSpan({ traceId, spanId, parentSpanId: parent, name: `GET /${WORDS[i % WORDS.length]}`, kind: 'server', startTimeUnixNano: at(fromMs), endTimeUnixNano: at(toMs), resource: service, account: accountOf(i) }));
      const callees = [2 * i + 1, 2 * i + 2].filter((callee) => callee < services);
      callees.forEach((callee, c) => {
        const from = fromMs + 1 + c * ((toMs - fromMs) / 2);
        const to = from + (toMs - fromMs) / 2 - 2;
        const clientId = (++next).toString(16).padStart(16, '0');
        spans.push(makeSpan({ traceId, spanId: clientId, parentSpanId: spanId, name: `call ${nameOf(callee)}`, kind: 'client', startTimeUnixNano: at(from), endTimeUnixNano: at(to), resource: service, account: accountOf(i) }));
        serve(callee, clientId, from + 0.1, to - 0.1);
      });
    };
    serve(0, null, 0, 400);
    return spans;
  });
}
