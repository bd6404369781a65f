import { propagation, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** The span attribute of a synthetic request's spans (a Stitch canary's, marked by its baggage). */
export const SYNTHETIC_ATTRIBUTE = 'stitch.synthetic';

/**
 * Copies the `stitch.synthetic=true` baggage entry a canary sends onto every span started in
 * that context (the server span, and what the service calls while serving it), so synthetic
 * traffic can be told apart in each service's own spans. The baggage itself travels on with
 * the propagator, so the next service marks its spans too.
 */
export class SyntheticMarker implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    if (propagation.getBaggage(parentContext)?.getEntry(SYNTHETIC_ATTRIBUTE)?.value === 'true') span.setAttribute(SYNTHETIC_ATTRIBUTE, true);
  }
  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
