import type { SamplingRule, TailCounts, TailPolicies } from '@stitch/sampling';

/** A rule as central holds it: with who added it (a link may delete only its own). */
export type HeldSamplingRule = SamplingRule & { addedBy?: string };

/** A rule as the API lists it: also the seconds left before it expires (null: it does not). */
export type SamplingRuleJson = HeldSamplingRule & { expiresInSeconds: number | null };

/** GET and PUT /api/sampling/rules: the live rules in evaluation order, with their version. */
export interface SamplingRulesJson {
  version: number;
  rules: SamplingRuleJson[];
}

/** POST /api/sampling/rules */
export interface SamplingRuleAddedJson {
  version: number;
  rule: SamplingRuleJson;
}

/** DELETE /api/sampling/rules/{name}: the rules' version after it. */
export interface SamplingVersionJson {
  version: number;
}

export interface SamplingAuditEntryJson {
  at: string;
  /** The rules' version after the change. */
  version: number;
  action: 'rules.apply' | 'rule.add' | 'rule.delete' | 'rule.expire';
  /** admin, anonymous (an open central), or the link whose account changed the rules; absent for expiries. */
  by?: string;
  detail: string;
}

/** GET /api/sampling/audit */
export interface SamplingAuditJson {
  audit: SamplingAuditEntryJson[];
}

/** GET /api/sampling/tail: whether central holds spans for tail sampling, and what it decided so far. */
export type TailSamplingJson = { enabled: false } | { enabled: true; policies: TailPolicies; counts: TailCounts; waitingSpans: number };
