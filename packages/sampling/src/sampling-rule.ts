import { globMatches } from './glob.ts';

/** A sampling rule with X-Ray's fields and meaning. String criteria are wildcard patterns. */
export interface SamplingRule {
  name: string;
  /** Lower is evaluated first; ties by name. */
  priority: number;
  /** The reservoir: requests per second sampled before `rate` applies. */
  fixedTarget: number;
  /** Share (0..1) of the requests beyond the reservoir that are sampled. */
  rate: number;
  serviceName: string;
  serviceType: string;
  host: string;
  httpMethod: string;
  urlPath: string;
  resourceArn: string;
  /** Every key must be present on the request with a value matching its pattern. */
  attributes: Record<string, string>;
  description?: string;
  /** Unix ms after which the rule no longer exists (a temporary rule); null for a lasting one. */
  expiresAtMs: number | null;
  /**
   * The one account whose requests the rule matches (a rule a linked account added for its own
   * services); absent: every account's. Its samplers alone are given the rule.
   */
  accountId?: string;
}

/** What a rule is matched against: the facts of a request at the head of its trace. */
export interface SampledRequest {
  serviceName: string;
  serviceType?: string;
  host?: string;
  httpMethod?: string;
  urlPath?: string;
  resourceArn?: string;
  attributes?: Record<string, string | number | boolean>;
  /** The account the request is in; a rule pinned to an account matches only requests known to be in it. */
  accountId?: string;
}

export const DEFAULT_RULE_NAME = 'Default';
export const DEFAULT_PRIORITY = 10_000;

export function ruleMatches(rule: SamplingRule, request: SampledRequest): boolean {
  return (
    (rule.accountId === undefined || rule.accountId === request.accountId) &&
    globMatches(rule.serviceName, request.serviceName) &&
    globMatches(rule.serviceType, request.serviceType ?? '') &&
    globMatches(rule.host, request.host ?? '') &&
    globMatches(rule.httpMethod, request.httpMethod ?? '') &&
    globMatches(rule.urlPath, request.urlPath ?? '') &&
    globMatches(rule.resourceArn, request.resourceArn ?? '') &&
    Object.entries(rule.attributes).every(([key, pattern]) => {
      const value = request.attributes?.[key];
      return value !== undefined && globMatches(pattern, String(value));
    })
  );
}

/** The rules one account's samplers are given: every account's, and those pinned to this one. */
export function rulesForAccount<R extends SamplingRule>(rules: readonly R[], accountId: string): R[] {
  return rules.filter((rule) => rule.accountId === undefined || rule.accountId === accountId);
}

/** Evaluation order: priority, then name; the default rule always last. */
export function inEvaluationOrder(rules: readonly SamplingRule[]): SamplingRule[] {
  return [...rules].sort((a, b) => {
    if ((a.name === DEFAULT_RULE_NAME) !== (b.name === DEFAULT_RULE_NAME)) return a.name === DEFAULT_RULE_NAME ? 1 : -1;
    return a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  });
}

/** The first live rule (not expired at `nowMs`) that matches, in evaluation order; the default rule when none does. */
export function matchingRule(rules: readonly SamplingRule[], request: SampledRequest, nowMs: number): SamplingRule {
  const ordered = inEvaluationOrder(rules.filter((rule) => rule.expiresAtMs === null || rule.expiresAtMs > nowMs));
  const found = ordered.find((rule) => rule.name !== DEFAULT_RULE_NAME && ruleMatches(rule, request));
  return found ?? ordered.find((rule) => rule.name === DEFAULT_RULE_NAME) ?? X_RAY_DEFAULT_RULE;
}

/** X-Ray's own default: one request a second, then 5 %. */
export const X_RAY_DEFAULT_RULE: SamplingRule = {
  name: DEFAULT_RULE_NAME,
  priority: DEFAULT_PRIORITY,
  fixedTarget: 1,
  rate: 0.05,
  serviceName: '*',
  serviceType: '*',
  host: '*',
  httpMethod: '*',
  urlPath: '*',
  resourceArn: '*',
  attributes: {},
  expiresAtMs: null,
};
