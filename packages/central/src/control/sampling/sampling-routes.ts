import type { SamplingAuditJson, SamplingRuleAddedJson, SamplingRuleJson, SamplingRulesJson, SamplingVersionJson } from '@stitch/api';
import { ApiError, bodyOf, jsonBody, readBody } from '@stitch/http';
import {
  DEFAULT_PRIORITY,
  parseLocalRulesFile,
  RulesFileError,
  rulesForAccount,
  samplingRuleRecords,
  samplingTargetsRequest,
  toLocalRulesFile,
  type ReservoirDivider,
  type SamplingRule,
} from '@stitch/sampling';
import { z } from 'zod';
import type { Principal } from '../../access/access-policy.ts';
import { created, type Route } from '../../http/route.ts';
import { accountIdSchema } from '../../access/links/link-model.ts';
import { ruleAccount, ruleExpiryMs, type SamplingCaller } from './sampling-caller.ts';
import type { HeldRule, SamplingRegistry } from './sampling-registry.ts';

const MAX_BODY = 1024 * 1024;
const pattern = z.string().min(1).max(512);

/** A rule as the API takes it; `for` ("30m") makes it temporary. */
const newRuleBody = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits, ".", "_", ":" or "-", at most 64'),
    priority: z.number().int().min(1).max(DEFAULT_PRIORITY - 1),
    fixedTarget: z.number().int().min(0).max(1_000_000),
    rate: z.number().min(0).max(1),
    serviceName: pattern.default('*'),
    serviceType: pattern.default('*'),
    host: pattern.default('*'),
    httpMethod: pattern.default('*'),
    urlPath: pattern.default('*'),
    resourceArn: pattern.default('*'),
    attributes: z.record(z.string().min(1).max(256), pattern).default({}),
    description: z.string().max(1024).optional(),
    /** Only this account's requests: a link's rules always are its own account's. */
    accountId: accountIdSchema.optional(),
    for: z.string().max(32).optional(),
  })
  .strict();

function ruleJson(rule: HeldRule, nowMs: number): SamplingRuleJson {
  return { ...rule, expiresInSeconds: rule.expiresAtMs === null ? null : Math.max(0, Math.round((rule.expiresAtMs - nowMs) / 1000)) };
}

/**
 * The fleet's sampling rules: GET (the live rules in evaluation order, with the version;
 * `?format=local` for the version 2 rules file), PUT (replace them all with a version 2 file), POST
 * (add one, temporary with `for`), DELETE /api/sampling/rules/{name}; GET /api/sampling/audit; and
 * the X-Ray daemon's GetSamplingRules and SamplingTargets, relayed by agents, which give each
 * account's samplers the rules that apply to it. What a link may change: see SamplingCaller.
 */
export function samplingRoutes(
  registry: SamplingRegistry,
  divider: ReservoirDivider,
  now: () => number,
  /** Who asks: what they may change, and for which account's samplers. */
  callerOf: (who: Principal) => SamplingCaller,
): Route[] {
  const rulesAnswer = async () => {
    const { version, rules } = await registry.current();
    return { version, rules: rules.map((rule) => ruleJson(rule, now())) } satisfies SamplingRulesJson;
  };
  return [
    {
      method: 'POST',
      path: '/api/sampling/xray/GetSamplingRules',
      access: 'sampling-relay',
      handle: async ({ req, who }) => {
        // The body (the daemon's NextToken) is read and not needed: every rule fits one answer.
        await readBody(req, MAX_BODY);
        const { rules } = await registry.current();
        return samplingRuleRecords(rulesForAccount(rules, callerOf(who).accountId), registry.lastModifiedMs());
      },
    },
    {
      method: 'POST',
      path: '/api/sampling/xray/SamplingTargets',
      access: 'sampling-relay',
      handle: async ({ req, who }) => {
        const request = await bodyOf(req, samplingTargetsRequest, MAX_BODY);
        const { rules } = await registry.current();
        const { documents, unprocessed } = divider.targets(request, rulesForAccount(rules, callerOf(who).accountId), now());
        return { SamplingTargetDocuments: documents, LastRuleModification: registry.lastModifiedMs() / 1000, UnprocessedStatistics: unprocessed };
      },
    },
    { method: 'GET', path: '/api/sampling/audit', access: 'read-config', handle: async () => ({ audit: registry.audit() }) satisfies SamplingAuditJson },
    {
      method: 'GET',
      path: '/api/sampling/rules',
      access: 'read-config',
      handle: async ({ query }) => (query.get('format') === 'local' ? toLocalRulesFile((await registry.current()).rules) : rulesAnswer()),
    },
    {
      method: 'PUT',
      path: '/api/sampling/rules',
      access: 'sampling-replace',
      handle: async ({ req, who }) => {
        let rules: SamplingRule[];
        try {
          rules = parseLocalRulesFile(await jsonBody(req, MAX_BODY));
        } catch (error) {
          if (error instanceof RulesFileError) throw new ApiError(400, error.message);
          throw error;
        }
        // Only an operator gets here (the access policy refuses links).
        const version = await registry.apply(rules, callerOf(who).by);
        return { version, rules: (await rulesAnswer()).rules } satisfies SamplingRulesJson;
      },
    },
    {
      method: 'POST',
      path: '/api/sampling/rules',
      access: 'sampling-change',
      handle: async ({ req, who }) => {
        const caller = callerOf(who);
        const { for: lasting, description, accountId: askedAccount, ...fields } = await bodyOf(req, newRuleBody, MAX_BODY);
        const expiresAtMs = ruleExpiryMs(caller, lasting, now());
        const accountId = ruleAccount(caller, askedAccount);
        const rule: SamplingRule = { ...fields, ...(description === undefined ? {} : { description }), expiresAtMs, ...(accountId === undefined ? {} : { accountId }) };
        const version = await registry.add(rule, caller);
        return created({ version, rule: ruleJson({ ...rule, addedBy: caller.by }, now()) } satisfies SamplingRuleAddedJson);
      },
    },
    { method: 'DELETE', path: '/api/sampling/rules/:name', access: 'sampling-change', handle: async ({ params, who }) => ({ version: await registry.remove(params.name!, callerOf(who)) }) satisfies SamplingVersionJson },
  ];
}
