import type { Span } from './span.ts';
import { nanos } from './units.ts';

let counter = 0;
const hex = (value: number, width: number): string => value.toString(16).padStart(width, '0');

/** A complete, valid span for tests; override what the test is about. */
export function makeSpan(overrides: Partial<Span> = {}): Span {
  counter += 1;
  const start = 1_764_000_000_000_000_000n + BigInt(counter) * 1_000n;
  return {
    traceId: `5f000000${hex(counter, 24)}`,
    spanId: hex(counter, 16),
    parentSpanId: null,
    traceState: '',
    name: `operation-${counter}`,
    kind: 'server',
    startTimeUnixNano: nanos(start),
    endTimeUnixNano: nanos(start + 5_000_000n),
    status: { code: 'unset', message: '' },
    http: { method: null, route: null, url: null, statusCode: null },
    attributes: {},
    events: [],
    links: [],
    resource: { serviceName: 'checkout-orchestrator', attributes: { 'service.name': 'checkout-orchestrator' } },
    scope: { name: 'test', version: '' },
    account: { id: 'local', label: 'local' },
    ...overrides,
  };
}

/** A deterministic random source (mulberry32) in [0, 1), so generated fixtures repeat run to run. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
