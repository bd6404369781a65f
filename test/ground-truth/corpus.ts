// The shape of a ground-truth corpus, whichever generator made it: the spans as planned (with
// whom each call truly reached), the causes planted, and the questions the truth suites ask of it.
import type { AttributeValue, SpanKind } from '@stitch/model';

export interface CorpusAccount {
  id: string;
  name: string;
  /** How far this account's clocks run ahead (negative: behind), in ms. */
  skewMs: number;
}

/** Whom a call reached, as the generator knows it (not as any span says it). */
export type Callee =
  | { type: 'service'; account: string; service: string }
  | { type: 'database'; account: string; table: string }
  | { type: 'queue'; account: string; topic: string }
  | { type: 'http'; host: string; port: number | null; peerService: string | null };

export interface PlannedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  account: CorpusAccount;
  service: string;
  kind: SpanKind;
  name: string;
  /** As the span's own (skewed) clock recorded them, whole microseconds (X-Ray keeps no finer). */
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, AttributeValue>;
  error: boolean;
  /** How the span leaves its service: the stock OpenTelemetry JS SDK, or the stock X-Ray SDK. */
  emitter: 'otel' | 'xray';
  links: Array<{ traceId: string; spanId: string }>;
  /** Calls and producers: whom they reached. */
  callee: Callee | null;
  /** Calls whose callee continued under another trace: the planted broken hop. */
  contextDropped: boolean;
  /** X-Ray segments: the AWS resource the service runs on (the segment's `origin`, e.g. AWS::Lambda::Function). */
  xrayOrigin?: string;
}

/** A cause planted in some requests, with the requests' trace ids. */
export interface PlantedCause {
  name: string;
  /** The span that carries the cause: service and operation. */
  service: string;
  operation: string;
  traceIds: Set<string>;
}

/** A trace of the corpus: its spans, first start and last end, as the spans recorded them. */
export interface PlannedTrace {
  spans: PlannedSpan[];
  startNs: bigint;
  endNs: bigint;
}

/** A question a user would ask of a trace, with what it truly means of the trace's spans. */
export interface TraceProbe {
  q: string;
  matches: (trace: PlannedTrace) => boolean;
}

/**
 * What the truth suites ask of a corpus, in its own terms: search filters and their meaning, the
 * slow population (the planted requests, by construction the only ones it matches) and the cause
 * planted in it, a population drawn from the healthy one, and an SLO over one entry operation.
 */
export interface CorpusScenario {
  /** The corpus in a few words, for the suite's title. */
  title: string;
  searches: TraceProbe[];
  slow: TraceProbe & { cause: PlantedCause };
  /** A filter selecting a random share of healthy requests: diagnosing it must find nothing. */
  healthy: string;
  slo: { selector: { service: string; operation: string; account: string }; thresholdMs: number };
}

export interface Corpus {
  accounts: Record<string, CorpusAccount>;
  spans: PlannedSpan[];
  startMs: number;
  endMs: number;
  causes: PlantedCause[];
  /** Traces begun by outside clients (no context) and by the canary (with context). */
  outsideRequests: number;
  canaryRequests: number;
  scenario: CorpusScenario;
}

export interface CorpusOptions {
  seed: number;
  /** Requests start in [startMs, startMs + minutes). */
  startMs: number;
  minutes: number;
  requestsPerSecond: number;
}
