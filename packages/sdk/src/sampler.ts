import { SamplingDecision, type Attributes, type Context, type Link, type SpanKind } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { AWSXRayRemoteSampler } from '@opentelemetry/sampler-aws-xray';
import { ParentBasedSampler, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';

/**
 * X-Ray's local default for new traces: the first `perSecond` each second, then `ratio` of the
 * rest. Ratio decisions use the trace id, so every service deciding on the same id agrees.
 */
export class ReservoirRatioSampler implements Sampler {
  private second = -1;
  private taken = 0;

  constructor(
    private readonly perSecond: number,
    private readonly ratio: number,
    private readonly now: () => number = Date.now,
  ) {}

  shouldSample(_context: Context, traceId: string, _name: string, _kind: SpanKind, _attributes: Attributes, _links: Link[]): SamplingResult {
    const second = Math.floor(this.now() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.taken = 0;
    }
    if (this.taken < this.perSecond) {
      this.taken += 1;
      return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    }
    // The id's last 8 hex digits are random in both W3C and X-Ray ids.
    const draw = parseInt(traceId.slice(-8), 16) / 0x1_0000_0000;
    return { decision: draw < this.ratio ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
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
