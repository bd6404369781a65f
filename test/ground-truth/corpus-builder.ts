// What every corpus generator makes its spans with: one seeded random source, ids as the SDKs
// make them, accounts with skewed clocks, and spans recorded by those clocks.
import { seededRandom } from '@stitch/model';
import type { CorpusAccount, PlannedSpan } from './corpus.ts';

const US = 1_000n;

export type SpanFields = Omit<PlannedSpan, 'startNs' | 'endNs' | 'links' | 'callee' | 'contextDropped' | 'error'> & Partial<PlannedSpan>;

export interface CorpusBuilder {
  /** In [0, 1), seeded. */
  random: () => number;
  between: (low: number, high: number) => number;
  spanId: () => string;
  /** X-Ray trace ids begin with the epoch second; OpenTelemetry's are any 32 hex digits, so both accept these. */
  traceIdAt: (ms: number) => string;
  /** An account whose clocks run up to 200 ms ahead or behind. */
  account: (id: string, name: string) => CorpusAccount;
  /** A span at true time [startNs, endNs) (numbers of ns), recorded by its account's clock to the microsecond (X-Ray keeps no finer). */
  span: (fields: SpanFields, startNs: number, endNs: number) => PlannedSpan;
  /** Every span made, in the order made. */
  spans: PlannedSpan[];
}

export function corpusBuilder(seed: number): CorpusBuilder {
  const random = seededRandom(seed);
  const hex = (digits: number) => Array.from({ length: digits }, () => Math.floor(random() * 16).toString(16)).join('');
  const microsOf = (ns: number) => BigInt(Math.round(ns / 1_000)) * US;
  const spans: PlannedSpan[] = [];
  return {
    random,
    between: (low, high) => low + random() * (high - low),
    spanId: () => `${(1 + Math.floor(random() * 15)).toString(16)}${hex(15)}`,
    traceIdAt: (ms) => `${Math.floor(ms / 1000).toString(16).padStart(8, '0')}${hex(24)}`,
    account: (id, name) => ({ id, name, skewMs: Math.round((random() * 2 - 1) * 200) }),
    span(fields, startNs, endNs) {
      const skewNs = fields.account.skewMs * 1e6;
      const planned: PlannedSpan = { links: [], callee: null, contextDropped: false, error: false, ...fields, startNs: microsOf(startNs + skewNs), endNs: microsOf(endNs + skewNs) };
      if (planned.endNs <= planned.startNs) planned.endNs = planned.startNs + US;
      spans.push(planned);
      return planned;
    },
    spans,
  };
}
