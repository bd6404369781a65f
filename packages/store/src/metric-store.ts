/** Span metrics (RED per account, service, operation and bucket), kept next to the spans. */
export interface MetricStore {}
