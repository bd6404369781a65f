import type { SamplingRule } from './sampling-rule.ts';

/**
 * One rule's decision on this instance, as X-Ray defines it: the first `quota` requests of each
 * second are sampled (the reservoir; by default the rule's fixed target), then `rate` of the rest.
 * Pure: the time and the random draw are passed in.
 */
export class RuleReservoir {
  private second = -1;
  private usedThisSecond = 0;
  sampled = 0;
  requests = 0;

  constructor(
    readonly rule: SamplingRule,
    /** Requests per second this instance may take from the reservoir (central divides the fixed target among instances). */
    public quota: number = rule.fixedTarget,
  ) {}

  decide(nowMs: number, draw: number): boolean {
    this.requests += 1;
    const second = Math.floor(nowMs / 1000);
    if (second !== this.second) {
      this.second = second;
      this.usedThisSecond = 0;
    }
    const sampled = this.usedThisSecond < this.quota ? (this.usedThisSecond += 1) > 0 : draw < this.rule.rate;
    if (sampled) this.sampled += 1;
    return sampled;
  }
}
