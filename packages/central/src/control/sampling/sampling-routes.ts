import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SamplingAuditJson, SamplingRuleAddedJson, SamplingRuleJson, SamplingRulesJson, SamplingVersionJson } from '@stitch/api';
import { ApiError, bodyOf, decodePathSegment, jsonBody, readBody, sendJson } from '@stitch/http';
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
 * /api/sampling/rules: GET (the live rules in evaluation order, with the version; `?format=local`
 * for the version 2 rules file), PUT (replace them all with a version 2 file), POST (add one,
 * temporary with `for`), DELETE /api/sampling/rules/{name}; GET /api/sampling/audit; and the
 * X-Ray daemon's POST GetSamplingRules and SamplingTargets under /api/sampling/xray/, which give
 * each account's samplers the rules that apply to it. What a link may change: see SamplingCaller.
 */
export async function routeSampling(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  url: URL,
  registry: SamplingRegistry,
  divider: ReservoirDivider,
  now: () => number,
  /** Who asks: what they may change, and for which account's samplers. */
  caller: SamplingCaller,
): Promise<boolean> {
  const method = req.method ?? 'GET';
  // What agents relay from their services' samplers (the X-Ray daemon's two calls).
  if (path === '/api/sampling/xray/GetSamplingRules' && method === 'POST') {
    // The body (the daemon's NextToken) is read and not needed: every rule fits one answer.
    await readBody(req, MAX_BODY);
    const { rules } = await registry.current();
    sendJson(res, 200, samplingRuleRecords(rulesForAccount(rules, caller.accountId), registry.lastModifiedMs()));
    return true;
  }
  if (path === '/api/sampling/xray/SamplingTargets' && method === 'POST') {
    const request = await bodyOf(req, samplingTargetsRequest, MAX_BODY);
    const { rules } = await registry.current();
    const { documents, unprocessed } = divider.targets(request, rulesForAccount(rules, caller.accountId), now());
    sendJson(res, 200, { SamplingTargetDocuments: documents, LastRuleModification: registry.lastModifiedMs() / 1000, UnprocessedStatistics: unprocessed });
    return true;
  }
  if (path === '/api/sampling/audit' && method === 'GET') {
    sendJson(res, 200, { audit: registry.audit() } satisfies SamplingAuditJson);
    return true;
  }
  if (path === '/api/sampling/rules') {
    if (method === 'GET') {
      const { version, rules } = await registry.current();
      if (url.searchParams.get('format') === 'local') sendJson(res, 200, toLocalRulesFile(rules));
      else sendJson(res, 200, { version, rules: rules.map((rule) => ruleJson(rule, now())) } satisfies SamplingRulesJson);
      return true;
    }
    if (method === 'PUT') {
      let rules: SamplingRule[];
      try {
        rules = parseLocalRulesFile(await jsonBody(req, MAX_BODY));
      } catch (error) {
        if (error instanceof RulesFileError) throw new ApiError(400, error.message);
        throw error;
      }
      // Only an operator gets here (the access policy refuses links).
      const version = await registry.apply(rules, caller.by);
      const current = await registry.current();
      sendJson(res, 200, { version, rules: current.rules.map((rule) => ruleJson(rule, now())) } satisfies SamplingRulesJson);
      return true;
    }
    if (method === 'POST') {
      const { for: lasting, description, accountId: askedAccount, ...fields } = await bodyOf(req, newRuleBody, MAX_BODY);
      const expiresAtMs = ruleExpiryMs(caller, lasting, now());
      const accountId = ruleAccount(caller, askedAccount);
      const rule: SamplingRule = { ...fields, ...(description === undefined ? {} : { description }), expiresAtMs, ...(accountId === undefined ? {} : { accountId }) };
      const version = await registry.add(rule, caller);
      sendJson(res, 201, { version, rule: ruleJson({ ...rule, addedBy: caller.by }, now()) } satisfies SamplingRuleAddedJson);
      return true;
    }
    throw new ApiError(405, `method: ${method} is not allowed on ${path}`, { headers: { allow: 'GET, PUT, POST' } });
  }
  if (path.startsWith('/api/sampling/rules/')) {
    if (method !== 'DELETE') throw new ApiError(405, `method: ${method} is not allowed on ${path}`, { headers: { allow: 'DELETE' } });
    const version = await registry.remove(decodePathSegment('name', path.slice('/api/sampling/rules/'.length)), caller);
    sendJson(res, 200, { version } satisfies SamplingVersionJson);
    return true;
  }
  return false;
}
