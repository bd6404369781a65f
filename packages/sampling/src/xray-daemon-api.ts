import { z } from 'zod';
import { DEFAULT_RULE_NAME, type SamplingRule } from './sampling-rule.ts';

// The two calls the X-Ray daemon serves to SDK samplers (and our agents relay to central), in
// the shapes of X-Ray's GetSamplingRules and GetSamplingTargets.

export function samplingRuleRecords(rules: readonly SamplingRule[], modifiedAtMs: number) {
  const seconds = modifiedAtMs / 1000;
  return {
    SamplingRuleRecords: rules.map((rule) => ({
      SamplingRule: {
        RuleName: rule.name,
        RuleARN: `arn:stitch:xray:local:sampling-rule/${encodeURIComponent(rule.name)}`,
        ResourceARN: rule.resourceArn,
        Priority: rule.name === DEFAULT_RULE_NAME ? 10_000 : rule.priority,
        FixedRate: rule.rate,
        ReservoirSize: rule.fixedTarget,
        ServiceName: rule.serviceName,
        ServiceType: rule.serviceType,
        Host: rule.host,
        HTTPMethod: rule.httpMethod,
        URLPath: rule.urlPath,
        Version: 1,
        Attributes: rule.attributes,
      },
      CreatedAt: seconds,
      ModifiedAt: seconds,
    })),
    NextToken: null,
  };
}

export const samplingTargetsRequest = z.object({
  SamplingStatisticsDocuments: z
    .array(
      z.object({
        RuleName: z.string().min(1).max(128),
        ClientID: z.string().min(1).max(64),
        Timestamp: z.number().optional(),
        RequestCount: z.number().int().min(0),
        SampledCount: z.number().int().min(0),
        BorrowCount: z.number().int().min(0).optional(),
      }),
    )
    .max(1000),
});
export type SamplingTargetsRequest = z.infer<typeof samplingTargetsRequest>;

export interface SamplingTargetDocument {
  RuleName: string;
  FixedRate: number;
  ReservoirQuota: number;
  /** Unix seconds until which the quota holds. */
  ReservoirQuotaTTL: number;
  /** Seconds until the client should ask again. */
  Interval: number;
}

/**
 * The fleet-wide reservoir: each rule's fixed target per second is divided among the instances
 * (ClientIDs) that reported statistics for it recently, so ten instances sample about the
 * target in total, not ten times it. Whole requests: with a target smaller than the fleet, some
 * instances get 1 and the rest 0. Pure: the clock is passed in.
 */
export class ReservoirDivider {
  private readonly lastReport = new Map<string, Map<string, number>>();

  constructor(private readonly intervalSeconds = 10) {}

  targets(request: SamplingTargetsRequest, rules: readonly SamplingRule[], nowMs: number) {
    const byName = new Map(rules.map((rule) => [rule.name, rule]));
    const documents: SamplingTargetDocument[] = [];
    const unprocessed: Array<{ RuleName: string; ErrorCode: string; Message: string }> = [];
    for (const statistics of request.SamplingStatisticsDocuments) {
      const rule = byName.get(statistics.RuleName);
      if (!rule) {
        unprocessed.push({ RuleName: statistics.RuleName, ErrorCode: '400', Message: `no sampling rule named ${statistics.RuleName}` });
        continue;
      }
      const clients = this.lastReport.get(rule.name) ?? new Map<string, number>();
      clients.set(statistics.ClientID, nowMs);
      this.lastReport.set(rule.name, clients);
      // An instance that stopped reporting for two intervals no longer holds a share.
      for (const [client, at] of clients) if (at < nowMs - 2 * this.intervalSeconds * 1000) clients.delete(client);
      const active = [...clients.keys()].sort();
      const base = Math.floor(rule.fixedTarget / active.length);
      const extra = active.indexOf(statistics.ClientID) < rule.fixedTarget % active.length ? 1 : 0;
      documents.push({
        RuleName: rule.name,
        FixedRate: rule.rate,
        ReservoirQuota: base + extra,
        ReservoirQuotaTTL: Math.floor(nowMs / 1000) + 2 * this.intervalSeconds,
        Interval: this.intervalSeconds,
      });
    }
    return { documents, unprocessed };
  }
}
