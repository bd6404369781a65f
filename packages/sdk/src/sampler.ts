import { SamplingDecision, type Attributes, type Context, type Link, type SpanKind } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { AWSXRayRemoteSampler } from '@opentelemetry/sampler-aws-xray';
import { ParentBasedSampler, TraceIdRatioBasedSampler, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';

/**
 * X-Ray's local default for new traces: the first `perSecond` each second, then `ratio` of the
 * rest, decided by the stock trace-id ratio sampler, so every service deciding on the same id agrees.
 */
export class ReservoirRatioSampler implements Sampler {
  private second = -1;
  private taken = 0;
  private readonly byTraceId: TraceIdRatioBasedSampler;

  constructor(
    private readonly perSecond: number,
    private readonly ratio: number,
    private readonly now: () => number = Date.now,
  ) {
    this.byTraceId = new TraceIdRatioBasedSampler(ratio);
  }

  shouldSample(context: Context, traceId: string, name: string, kind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    const second = Math.floor(this.now() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.taken = 0;
    }
    if (this.taken < this.perSecond) {
      this.taken += 1;
      return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    }
    return this.byTraceId.shouldSample(context, traceId);
  }

  toString(): string {
    return `ReservoirRatioSampler{${this.perSecond}/s, ${this.ratio}}`;
  }
}

/**
 * An incoming sampled decision (W3C flag or X-Ray Sampled=) is honoured. New traces follow the
 * agent's rules when a sampling endpoint is set (the stock X-Ray remote sampler: it polls the
 * rules, reports its statistics for the fleet-wide reservoir, and uses 1/s + 5 % until rules
 * arrive or when they expire), else the local default.
 */
export function createSampler(options: { perSecond: number; ratio: number; samplingEndpoint: string | null; resource: Resource }): Sampler {
  if (options.samplingEndpoint) return new AWSXRayRemoteSampler({ resource: options.resource, endpoint: options.samplingEndpoint, pollingInterval: 60 });
  return new ParentBasedSampler({ root: new ReservoirRatioSampler(options.perSecond, options.ratio) });
}
