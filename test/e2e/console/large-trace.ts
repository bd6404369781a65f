import { randomBytes } from 'node:crypto';
import { makeSpan, nanos, type Span } from '@stitch/model';
import { spansToOtlpJson } from '@stitch/wire';

const MS = 1_000_000n;
const SERVICES = ['gateway', 'orders', 'pricing', 'inventory', 'payments'];
const CHILDREN = 50;
const BATCH = 2_500;

/**
 * One trace of `spanCount` spans (10,000 by default): a root with 50 children, each with about
 * 200 descendants (198–199 for 10,000): a chain 2–21 deep, the rest leaves along it, every 37th
 * leaf an error with an exception. Times nest (children inside parents), as in a real trace.
 */
export function largeTrace(spanCount = 10_000, startMs = Date.now() - 60_000): Span[] {
  const traceId = randomBytes(16).toString('hex');
  let next = 0;
  const timeAt = (ms: number) => nanos(BigInt(startMs) * MS + BigInt(Math.round(ms * 1000)) * 1000n);
  const span = (parent: Span | null, fromMs: number, toMs: number, name: string, overrides: Partial<Span> = {}): Span => {
    next++;
    const serviceName = SERVICES[next % SERVICES.length]!;
    return makeSpan({
      traceId,
      spanId: next.toString(16).padStart(16, '0'),
      parentSpanId: parent?.spanId ?? null,
      name,
      kind: parent === null ? 'server' : 'internal',
      startTimeUnixNano: timeAt(fromMs),
      endTimeUnixNano: timeAt(toMs),
      resource: { serviceName, attributes: { 'service.name': serviceName } },
      attributes: { 'span.number': next },
      ...overrides,
    });
  };
  const root = span(null, 0, 10_000, 'GET /big');
  const spans = [root];
  const descendants = spanCount - 1 - CHILDREN;
  for (let c = 0; c < CHILDREN; c++) {
    const own = Math.floor(descendants / CHILDREN) + (c < descendants % CHILDREN ? 1 : 0);
    const from = 10 + c * 199;
    const child = span(root, from, from + 190, `child ${c}`);
    spans.push(child);
    // A chain nested inside the child, each level 4 ms shorter at each end.
    const chainLength = Math.min(own, 2 + (c % 20));
    const chain: Span[] = [];
    for (let level = 0; level < chainLength; level++) {
      const parent = chain[level - 1] ?? child;
      chain.push(span(parent, from + 4 * (level + 1), from + 190 - 4 * (level + 1), `step ${c}.${level}`));
    }
    spans.push(...chain);
    // The rest as short leaves spread along the chain, one after another in time.
    const leaves = own - chainLength;
    for (let leaf = 0; leaf < leaves; leaf++) {
      const parent = chain[leaf % chain.length]!;
      const leafFrom = from + 4 * chain.length + (leaf / leaves) * (190 - 8 * chain.length);
      const failed = leaf % 37 === 36;
      spans.push(
        span(parent, leafFrom, leafFrom + 0.5, `leaf ${c}.${leaf}`, failed
          ? {
              status: { code: 'error', message: 'leaf failed' },
              events: [{ name: 'exception', timeUnixNano: timeAt(leafFrom + 0.4), attributes: { 'exception.type': 'LeafError', 'exception.message': 'leaf failed' } }],
            }
          : {}),
      );
    }
  }
  return spans;
}

/** Posts the spans to central's OTLP/JSON endpoint (no credential: central's own account), in batches. */
export async function postSpans(centralUrl: string, spans: readonly Span[]): Promise<void> {
  for (let i = 0; i < spans.length; i += BATCH) {
    const response = await fetch(`${centralUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(spansToOtlpJson(spans.slice(i, i + BATCH))),
    });
    if (response.status !== 200) throw new Error(`posting a large trace: ${response.status} ${await response.text()}`);
  }
}

/**
 * A cart page calling GET /item `calls` times, one after another (1-40 ms each, the 1,000th
 * failing), each answered by inventory's server span: the repeated siblings the waterfall folds.
 */
export function repeatedCallsTrace(calls: number, startMs = Date.now() - 60_000): Span[] {
  const traceId = randomBytes(16).toString('hex');
  const at = (ms: number) => nanos(BigInt(startMs) * MS + BigInt(Math.round(ms * 1000)) * 1000n);
  const id = (n: number) => n.toString(16).padStart(16, '0');
  const durationOf = (i: number) => 1 + ((i * 7919) % 40);
  const totalMs = Array.from({ length: calls }, (_, i) => durationOf(i) + 0.1).reduce((sum, ms) => sum + ms, 0);
  const root = makeSpan({ traceId, spanId: id(1), name: 'GET /cart', kind: 'server', startTimeUnixNano: at(0), endTimeUnixNano: at(totalMs + 1), resource: { serviceName: 'cart', attributes: { 'service.name': 'cart' } } });
  const spans = [root];
  let fromMs = 0.5;
  for (let i = 0; i < calls; i++) {
    const ms = durationOf(i);
    const failed = i === 999;
    const client = makeSpan({
      traceId, spanId: id(2 + 2 * i), parentSpanId: root.spanId, name: 'GET /item', kind: 'client',
      startTimeUnixNano: at(fromMs), endTimeUnixNano: at(fromMs + ms),
      status: failed ? { code: 'error', message: 'item lookup failed' } : { code: 'unset', message: '' },
      resource: root.resource, attributes: { 'http.request.method': 'GET', 'item.number': i },
    });
    const server = makeSpan({
      traceId, spanId: id(3 + 2 * i), parentSpanId: client.spanId, name: 'GET /item', kind: 'server',
      startTimeUnixNano: at(fromMs + 0.05), endTimeUnixNano: at(fromMs + ms - 0.05),
      resource: { serviceName: 'inventory', attributes: { 'service.name': 'inventory' } },
    });
    spans.push(client, server);
    fromMs += ms + 0.1;
  }
  return spans;
}
