import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { globMatches } from './glob.ts';
import { parseLocalRulesFile, RulesFileError, toLocalRulesFile } from './local-rules-file.ts';
import { RuleReservoir } from './reservoir.ts';
import { ReservoirDivider } from './xray-daemon-api.ts';
import { SEED_RULES_FILE } from './seed-rules.ts';
import { matchingRule, rulesForAccount, X_RAY_DEFAULT_RULE, type SamplingRule } from './sampling-rule.ts';

const SEED_FILE = SEED_RULES_FILE;

const rule = (name: string, fields: Partial<SamplingRule>): SamplingRule => ({ ...X_RAY_DEFAULT_RULE, name, priority: 100, ...fields });

describe('wildcards', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*', '', true],
    ['*', 'anything', true],
    ['/v1/*', '/v1/place-order', true],
    ['/v1/*', '/v2/place-order', false],
    ['/v?/orders', '/v1/orders', true],
    ['/v?/orders', '/v10/orders', false],
    ['POST', 'post', true],
    ['checkout-*-prod', 'checkout-eu-prod', true],
    ['checkout-*-prod', 'checkout-eu-staging', false],
    ['*a*b*c', 'xxaxxbxxc', true],
    ['*a*b*c', 'xxaxxcxxb', false],
    ['a?c', 'ac', false],
    ['', '', true],
    ['', 'x', false],
    ['5xx', '503', false],
    [`${'*'.repeat(50)}x`, 'a'.repeat(5000), false],
  ];
  for (const [pattern, text, expected] of cases) {
    test(`${JSON.stringify(pattern.slice(0, 20))} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(text.slice(0, 20))}`, () => {
      assert.equal(globMatches(pattern, text), expected);
    });
  }
});

describe('which rule applies', () => {
  const rules = [
    rule('checkout-post', { priority: 10, serviceName: 'checkout-*', httpMethod: 'POST', urlPath: '/v1/*' }),
    rule('any-checkout', { priority: 20, serviceName: 'checkout-*' }),
    rule('b-tie', { priority: 30, host: 'api.*' }),
    rule('a-tie', { priority: 30, host: 'api.*' }),
    rule('vip', { priority: 5, attributes: { 'customer.tier': 'gold*', region: 'eu-*' } }),
    rule('expired', { priority: 1, serviceName: '*', expiresAtMs: 1_000 }),
    rule('temporary', { priority: 2, urlPath: '/debug/*', expiresAtMs: 10_000 }),
    { ...X_RAY_DEFAULT_RULE, fixedTarget: 2, rate: 0.1 },
  ];
  const at = 5_000;
  const cases: Array<[string, Parameters<typeof matchingRule>[1], string]> = [
    ['the lowest priority that matches', { serviceName: 'checkout-orchestrator', httpMethod: 'post', urlPath: '/v1/place-order' }, 'checkout-post'],
    ['the next one when a field differs', { serviceName: 'checkout-orchestrator', httpMethod: 'GET', urlPath: '/v1/place-order' }, 'any-checkout'],
    ['ties go by name', { serviceName: 'pricing', host: 'api.internal' }, 'a-tie'],
    ['every attribute must match', { serviceName: 'pricing', attributes: { 'customer.tier': 'gold-plus', region: 'eu-west-1' } }, 'vip'],
    ['a missing attribute is no match', { serviceName: 'pricing', attributes: { 'customer.tier': 'gold' } }, 'Default'],
    ['an expired rule is gone, a live temporary one applies', { serviceName: 'pricing', urlPath: '/debug/cart' }, 'temporary'],
    ['the default when nothing matches', { serviceName: 'pricing', urlPath: '/quotes' }, 'Default'],
  ];
  for (const [what, request, expected] of cases) {
    test(what, () => assert.equal(matchingRule(rules, request, at).name, expected));
  }
  test('the temporary rule is gone once it expires; X-Ray\'s default when no default rule is given', () => {
    assert.equal(matchingRule(rules, { serviceName: 'pricing', urlPath: '/debug/cart' }, 10_000).name, 'Default');
    assert.deepEqual(matchingRule([], { serviceName: 'x' }, 0), X_RAY_DEFAULT_RULE);
  });
});

describe("a rule pinned to one account (a linked account's own)", () => {
  const pinned = rule('pricing-debug', { priority: 1, fixedTarget: 0, rate: 1, accountId: '333333333333' });
  const rules = [pinned, { ...X_RAY_DEFAULT_RULE }];
  test("matches that account's requests only, never a request whose account is not known", () => {
    assert.equal(matchingRule(rules, { serviceName: 'pricing', accountId: '333333333333' }, 0).name, 'pricing-debug');
    assert.equal(matchingRule(rules, { serviceName: 'pricing', accountId: '444444444444' }, 0).name, 'Default');
    assert.equal(matchingRule(rules, { serviceName: 'pricing' }, 0).name, 'Default');
  });
  test("is given to that account's samplers only, and left out of a local rules file (where it would match every account)", () => {
    assert.deepEqual(rulesForAccount(rules, '333333333333').map((r) => r.name), ['pricing-debug', 'Default']);
    assert.deepEqual(rulesForAccount(rules, '444444444444').map((r) => r.name), ['Default']);
    assert.deepEqual(toLocalRulesFile(rules).rules, []);
  });
});

describe('the local rules file, version 2', () => {
  test("the seed's file imports as it is, and writes back the same", () => {
    const rules = parseLocalRulesFile(SEED_FILE);
    assert.deepEqual(rules.map((r) => [r.name, r.priority, r.serviceName, r.fixedTarget, r.rate]), [
      ['rule-1', 1, 'checkout-orchestrator', 100, 1],
      ['rule-2', 2, '*', 1, 0],
      ['Default', 10_000, '*', 1, 0.05],
    ]);
    assert.deepEqual(rules[1]!.attributes, { 'http.status_code': '5xx' });
    assert.equal(matchingRule(rules, { serviceName: 'checkout-orchestrator', httpMethod: 'POST', urlPath: '/v1/place-order' }, 0).name, 'rule-1');
    const written = toLocalRulesFile(rules);
    assert.deepEqual(parseLocalRulesFile(JSON.parse(JSON.stringify(written))), rules);
    assert.deepEqual(written.rules[0], { description: 'Sample 100% of checkout critical path', host: '*', service_name: 'checkout-orchestrator', http_method: 'POST', url_path: '/v1/place-order', fixed_target: 100, rate: 1 });
  });

  test('a bad file is refused with the field named', () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ ...SEED_FILE, version: 1 }, /^version: /],
      [{ ...SEED_FILE, rules: [{ ...SEED_FILE.rules[0], rate: 1.5 }] }, /^rules\.0\.rate: /],
      [{ ...SEED_FILE, rules: [{ ...SEED_FILE.rules[0], fixed_target: -1 }] }, /^rules\.0\.fixed_target: /],
      [{ ...SEED_FILE, rules: [{ ...SEED_FILE.rules[0], servce_name: 'x' }] }, /^rules\.0: .*servce_name/],
      [{ ...SEED_FILE, default: undefined }, /^default: /],
      ['{"version": 2}', /^file: /],
    ];
    for (const [file, message] of bad) assert.throws(() => parseLocalRulesFile(file), (error: Error) => error instanceof RulesFileError && message.test(error.message));
  });
});

describe('the reservoir, then the rate', () => {
  test('the first `fixed target` requests of each second, then `rate` of the rest', () => {
    const reservoir = new RuleReservoir({ ...X_RAY_DEFAULT_RULE, fixedTarget: 3, rate: 0.25 });
    const decisions = Array.from({ length: 10 }, (_, i) => reservoir.decide(1_000 + i, i / 10));
    assert.deepEqual(decisions, [true, true, true, false, false, false, false, false, false, false].map((v, i) => v || i / 10 < 0.25));
    assert.equal(reservoir.decide(2_000, 0.99), true, 'a new second refills the reservoir');
  });
});

describe('the fleet-wide reservoir', () => {
  const target = 25;
  const rules = [{ ...X_RAY_DEFAULT_RULE, name: 'checkout', priority: 1, fixedTarget: target, rate: 0 }, X_RAY_DEFAULT_RULE];

  test('ten instances reporting every 10 s converge on the rule\'s per-second target within 10 %', () => {
    const divider = new ReservoirDivider(10);
    const instances = Array.from({ length: 10 }, (_, i) => ({ id: `client-${i}`, reservoir: new RuleReservoir(rules[0]!) }));
    let sampledAfterWarmup = 0;
    for (let ms = 0; ms < 60_000; ms += 5) {
      if (ms % 10_000 === 0) {
        for (const instance of instances) {
          const { documents } = divider.targets({ SamplingStatisticsDocuments: [{ RuleName: 'checkout', ClientID: instance.id, RequestCount: 1, SampledCount: 1 }] }, rules, ms);
          instance.reservoir.quota = documents[0]!.ReservoirQuota;
        }
      }
      for (const instance of instances) {
        const sampled = instance.reservoir.decide(ms, 0.99);
        if (ms >= 10_000 && sampled) sampledAfterWarmup += 1;
      }
    }
    const perSecond = sampledAfterWarmup / 50;
    assert.ok(Math.abs(perSecond - target) <= target * 0.1, `${perSecond} per second across the fleet`);
  });

  test('quotas are whole and add up to the target; a silent instance gives its share back; unknown rules are reported', () => {
    const divider = new ReservoirDivider(10);
    const report = (client: string, at: number) => divider.targets({ SamplingStatisticsDocuments: [{ RuleName: 'checkout', ClientID: client, RequestCount: 5, SampledCount: 1 }] }, rules, at);
    const quotas = ['a', 'b', 'c'].map((client) => report(client, 0).documents[0]!.ReservoirQuota);
    const again = ['a', 'b', 'c'].map((client) => report(client, 1_000).documents[0]!.ReservoirQuota);
    assert.equal(again.reduce((sum, q) => sum + q, 0), target);
    assert.ok(quotas.every((q) => Number.isInteger(q)));
    assert.equal(report('a', 25_000).documents[0]!.ReservoirQuota, target, 'b and c went quiet for two intervals');
    const unknown = divider.targets({ SamplingStatisticsDocuments: [{ RuleName: 'gone', ClientID: 'a', RequestCount: 1, SampledCount: 0 }] }, rules, 0);
    assert.equal(unknown.unprocessed[0]!.RuleName, 'gone');
  });
});
