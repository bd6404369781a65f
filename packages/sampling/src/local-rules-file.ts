import { z } from 'zod';
import { DEFAULT_PRIORITY, DEFAULT_RULE_NAME, inEvaluationOrder, type SamplingRule } from './sampling-rule.ts';

// The X-Ray SDKs' local sampling rules file, version 2: rules in evaluation order, then a default.
//   {"version": 2, "rules": [{"description", "host", "service_name", "http_method", "url_path",
//     "fixed_target", "rate", "attributes"}], "default": {"fixed_target", "rate"}}

const pattern = z.string().min(1).max(512);
const fixedTarget = z.number().int().min(0).max(1_000_000);
const rate = z.number().min(0).max(1);

const localRule = z
  .object({
    description: z.string().max(1024).optional(),
    host: pattern.optional(),
    service_name: pattern.optional(),
    http_method: pattern.optional(),
    url_path: pattern.optional(),
    fixed_target: fixedTarget,
    rate,
    attributes: z.record(z.string().min(1).max(256), pattern).optional(),
  })
  .strict();

const localFile = z
  .object({
    version: z.literal(2),
    rules: z.array(localRule).max(1000),
    default: z.object({ fixed_target: fixedTarget, rate }).strict(),
  })
  .strict();

export type LocalRulesFile = z.infer<typeof localFile>;

/** A rules file that does not read; the message names the field ("rules.1.rate: …"). */
export class RulesFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RulesFileError';
  }
}

/** The file's rules as Stitch rules: named rule-1, rule-2, … with priorities in file order, and the default. */
export function parseLocalRulesFile(json: unknown): SamplingRule[] {
  const parsed = localFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RulesFileError(`${issue.path.length > 0 ? issue.path.join('.') : 'file'}: ${issue.message}`);
  }
  const rules = parsed.data.rules.map(
    (rule, i): SamplingRule => ({
      name: `rule-${i + 1}`,
      priority: i + 1,
      fixedTarget: rule.fixed_target,
      rate: rule.rate,
      serviceName: rule.service_name ?? '*',
      serviceType: '*',
      host: rule.host ?? '*',
      httpMethod: rule.http_method ?? '*',
      urlPath: rule.url_path ?? '*',
      resourceArn: '*',
      attributes: rule.attributes ?? {},
      ...(rule.description === undefined ? {} : { description: rule.description }),
      expiresAtMs: null,
    }),
  );
  const fallback: SamplingRule = {
    name: DEFAULT_RULE_NAME,
    priority: DEFAULT_PRIORITY,
    fixedTarget: parsed.data.default.fixed_target,
    rate: parsed.data.default.rate,
    serviceName: '*',
    serviceType: '*',
    host: '*',
    httpMethod: '*',
    urlPath: '*',
    resourceArn: '*',
    attributes: {},
    expiresAtMs: null,
  };
  return [...rules, fallback];
}

/**
 * Rules as a version 2 file, in evaluation order. Service type and resource ARN have no place in
 * it and are left out; so are rules pinned to one account (in the file they would match every account's requests).
 */
export function toLocalRulesFile(rules: readonly SamplingRule[]): LocalRulesFile {
  const ordered = inEvaluationOrder(rules.filter((rule) => rule.accountId === undefined));
  const fallback = ordered.find((rule) => rule.name === DEFAULT_RULE_NAME);
  return {
    version: 2,
    rules: ordered
      .filter((rule) => rule.name !== DEFAULT_RULE_NAME)
      .map((rule) => ({
        ...(rule.description === undefined ? {} : { description: rule.description }),
        host: rule.host,
        service_name: rule.serviceName,
        http_method: rule.httpMethod,
        url_path: rule.urlPath,
        fixed_target: rule.fixedTarget,
        rate: rule.rate,
        ...(Object.keys(rule.attributes).length > 0 ? { attributes: rule.attributes } : {}),
      })),
    default: { fixed_target: fallback?.fixedTarget ?? 1, rate: fallback?.rate ?? 0.05 },
  };
}
