export { globMatches } from './glob.ts';
export type { SampledRequest, SamplingRule } from './sampling-rule.ts';
export { DEFAULT_PRIORITY, DEFAULT_RULE_NAME, inEvaluationOrder, matchingRule, ruleMatches, X_RAY_DEFAULT_RULE } from './sampling-rule.ts';
export type { LocalRulesFile } from './local-rules-file.ts';
export { parseLocalRulesFile, RulesFileError, toLocalRulesFile } from './local-rules-file.ts';
export { RuleReservoir } from './reservoir.ts';
export { SEED_RULES_FILE } from './seed-rules.ts';
export type { SamplingTargetDocument, SamplingTargetsRequest } from './xray-daemon-api.ts';
export { ReservoirDivider, samplingRuleRecords, samplingTargetsRequest } from './xray-daemon-api.ts';
